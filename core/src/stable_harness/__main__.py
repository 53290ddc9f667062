from stable_harness.cli.app import main

main()
