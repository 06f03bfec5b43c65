.PHONY: run test setup lint bench mutation

# Set up this machine and run the product (gunicorn, DEBUG off) on embedded defaults (SQLite,
# filesystem broker). DEBUG=1 make run serves with the development server instead.
run:
	bash scripts/setup.sh run
	bash scripts/run.sh

# Set up this machine and run the whole test suite (DATABASE_URL etc. select PostgreSQL/Redis).
test:
	bash scripts/setup.sh test
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/python -m pytest
	bash deploy/smoke.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/ruff format --check .
	.venv/bin/djlint templates --lint

# Benchmarks (DESIGN.md section 7); DATABASE_URL selects PostgreSQL.
bench:
	.venv/bin/python bench/timers.py
	.venv/bin/python bench/desk.py
	.venv/bin/python bench/proposals.py
	.venv/bin/python bench/duties.py
	.venv/bin/python bench/campaigns.py
	.venv/bin/python bench/letters.py
	.venv/bin/python bench/dashboard.py
	.venv/bin/python bench/load.py

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml); slow, not part of CI.
mutation:
	bash scripts/setup.sh test
	.venv/bin/mutmut run
	.venv/bin/python scripts/mutation_score.py
