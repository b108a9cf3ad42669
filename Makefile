# Two commands on a fresh machine:  `make demo` (set up + analyse the bundled call), `make test`.
.PHONY: setup demo test bench
setup:
	bash scripts/setup.sh
demo: setup
	.venv/bin/salesmind-desktop analyze assets/examples/demo_call.wav --json demo_call.json
test: setup
	bash scripts/test.sh
bench: setup
	.venv/bin/python bench/run_all.py
