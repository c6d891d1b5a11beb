"""From test outcomes to requirement statuses, a verdict, and the gate with its expectations."""
