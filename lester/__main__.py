from lester.cli import main

main()
