from vegvis.cli import main

main()
