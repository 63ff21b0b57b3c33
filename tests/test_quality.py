"""The quality budgets over whole built sites: axe-core (WCAG 2.2 AA, light and dark)
finds no violation and the Nu HTML Checker finds no error, on every page."""

import json
import subprocess

import pytest

from sage.serve import serving
from tests.browser import AXE, VNU, require_java, require_npm_tool

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Pages checked in dark mode and at phone width too (every page is checked light at 1280 px).
DARK_PAGES = ["", "tips/", "laws/", "stories/", "themes/", "subscribe/", "search/"]


def page_paths(output):
    """Every page of a built site, as URL paths ("tips/x/", "404.html")."""
    paths = []
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths


def axe_page(browser, **options):
    """A page in a fresh context with axe-core injected into every document it loads."""
    context = browser.new_context(**options)
    context.add_init_script(path=str(AXE))
    return context.new_page()


def axe_violations(page, url):
    page.goto(url)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{url}: {violation['id']} ({violation['impact']}): "
        f"{violation['nodes'][0]['target']} {violation['help']}"
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("site", ["real", "fixture"])
def test_axe_finds_no_violations_on_any_page(site, real_site, signup_build, browser):
    require_npm_tool(AXE, "axe-core")
    output = real_site[0] if site == "real" else signup_build
    problems = []
    with serving(output) as base:
        light = axe_page(browser, viewport={"width": 1280, "height": 900})
        dark = axe_page(browser, viewport={"width": 375, "height": 800}, color_scheme="dark")
        paths = page_paths(output)
        assert len(paths) > (100 if site == "real" else 15)
        for path in paths:
            problems += axe_violations(light, f"{base}/{path}")
        for path in DARK_PAGES:
            problems += axe_violations(dark, f"{base}/{path}")
        light.context.close()
        dark.context.close()
    assert problems == []


def test_axe_does_report_violations(tmp_path, browser):
    """The check above can fail: the same call flags a page with classic mistakes."""
    require_npm_tool(AXE, "axe-core")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><title>x</title><p style="color:#ccc;background:#fff">faint</p>'
        '<input type="email"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    )
    page = axe_page(browser)
    with serving(tmp_path) as base:
        problems = axe_violations(page, base + "/")
    page.context.close()
    found = {problem.split(": ")[1].split(" ")[0] for problem in problems}
    assert {"color-contrast", "label", "image-alt", "html-has-lang"} <= found


def test_html_checker_finds_no_errors_in_any_output(real_site, signup_build, published_site):
    require_java()
    require_npm_tool(VNU, "vnu-jar (the Nu HTML Checker)")
    outputs = [real_site[0], signup_build, published_site]
    command = ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json"]
    result = subprocess.run(
        [*command, *map(str, outputs)], capture_output=True, text=True, check=False
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == []
    assert result.returncode == 0


def test_html_checker_does_report_errors(tmp_path):
    """The check above can fail: the same command rejects a broken page."""
    require_java()
    require_npm_tool(VNU, "vnu-jar (the Nu HTML Checker)")
    (tmp_path / "broken.html").write_text(
        "<!doctype html><html lang=en><title>x</title><p><div>block in p</div></p>"
    )
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert json.loads(result.stderr)["messages"]
    assert result.returncode == 1
