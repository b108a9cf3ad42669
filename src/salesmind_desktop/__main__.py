from salesmind_desktop.cli import main

raise SystemExit(main())
