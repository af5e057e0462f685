"""`python -m gigcity` runs the command line."""

from gigcity.cli import main

main()
