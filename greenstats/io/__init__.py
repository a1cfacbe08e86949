"""Input and output: the only code in greenstats that opens data files.

``greenstats.io.containers`` sniffs and opens workbooks (xlsx, xls, encrypted, HTML or CSV
saved as .xls) into cell grids; ``greenstats.io.write`` writes outputs atomically.
"""
