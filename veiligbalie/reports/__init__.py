"""PDF documents made with reportlab: incident report, police-report sheet, letters."""
