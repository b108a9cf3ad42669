# Two commands on a fresh machine:  `make demo` (set up + analyse the bundled call), `make test`.
.PHONY: setup demo test bench
setup:
	bash scripts/setup.sh
demo: setup
	.venv/bin/salesmind-desktop analyze assets/examples/demo_call.wav --json demo_call.json
test: setup
	bash scripts/test.sh
bench: setup   # the headline figures in README.md (minutes; run on a quiet machine)
	.venv/bin/python bench/bench_analyze.py --runs 3
	.venv/bin/python bench/bench_text.py
	.venv/bin/python bench/bench_voice.py
	.venv/bin/python bench/bench_insight.py
	.venv/bin/python bench/eval_calls.py
