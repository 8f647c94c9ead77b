from sahakorn.cli import main

main()
