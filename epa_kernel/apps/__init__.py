"""One module per served notebook: what each notebook calls, and the widgets they share."""
