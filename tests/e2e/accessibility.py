"""axe-core in the browser tests: inject the vendored axe.min.js, run it, report what it finds."""

from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "axe.min.js"
AXE_VERSION = "4.14.1"
# What fails a test; "moderate" and "minor" findings are printed by the audit but do not fail.
FAILING_IMPACTS = ("serious", "critical")

_RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return {
    version: axe.version,
    violations: results.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({
        impact: n.impact,
        target: n.target.join(" "),
        html: n.html,
        summary: n.failureSummary,
      })),
    })),
  };
}"""


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on the page as it is now (all rules axe runs by default)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate(_RUN_AXE)
    if found["version"] != AXE_VERSION:
        raise AssertionError(f"expected axe-core {AXE_VERSION}, the page ran {found['version']}")
    return found["violations"]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], *, where: str, max_nodes: int = 5) -> str:
    """Violations as a reader wants them in a failing test: rule, impact, help, each element."""
    lines = [f"{where}: {len(violations)} serious or critical accessibility violation(s)"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"][:max_nodes]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:160]}")
            for reason in (node["summary"] or "").splitlines()[1:3]:
                lines.append(f"       {reason.strip()}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    … and {len(v['nodes']) - max_nodes} more")
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    """Fail with a readable list when axe-core finds any serious or critical violation."""
    found = serious(axe_violations(page))
    assert not found, describe(found, where=where)
