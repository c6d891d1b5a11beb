"""What a run writes and what is read back: the JSON report, HTML, Markdown, the console, comparison, matrix
and merge."""
