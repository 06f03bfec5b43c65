"""Print the mutation score of the last `mutmut run` and the mutants that survived it."""

import json
import subprocess
import sys
from pathlib import Path

MUTMUT = Path(sys.executable).with_name("mutmut")

subprocess.run([MUTMUT, "export-cicd-stats"], check=True, capture_output=True)
stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
decided = stats["killed"] + stats["survived"] + stats["timeout"] + stats["suspicious"]
caught = stats["killed"] + stats["timeout"]
score = 100 * caught / decided if decided else 0.0
print(f"figure mutation_score = {score:.1f} % (target >= 90)")
print(
    f"mutants: {stats['total']} in all, {caught} caught, {stats['survived']} survived, "
    f"{stats['no_tests']} without tests"
)
survivors = subprocess.run([MUTMUT, "results"], capture_output=True, text=True).stdout
print(survivors)
