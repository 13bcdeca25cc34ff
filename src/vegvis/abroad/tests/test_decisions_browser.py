"""Issue 11 in a real browser: the decision and appeal steps a case handler tripped on, done as they did them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from vegvis.testing.abroad import make_case
from vegvis.testing.browser import SCREENSHOTS, axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def handler() -> None:
    UserFactory(username="ingrid", first_name="Ingrid", last_name="Haugen", role="case_handler", role__office="ous")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"issue11_{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_coverage_checkboxes_are_real_checkboxes_with_check_marks(page, console_log, width):
    handler()
    case = make_case("assessment_received")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "ingrid", PASSWORD)
    page.goto(f"/utland/saker/{case.pk}/steg/grant/")
    treatment = page.get_by_label("Behandling ved sykehuset i utlandet")
    expect(treatment).to_be_checked()
    shoot(page, f"grant_form_{width}")
    box = treatment.bounding_box()
    assert box is not None and 16 <= box["width"] <= 40 and abs(box["width"] - box["height"]) < 2, box
    # A checked box draws its check mark; an unchecked one does not.
    mark = "el => getComputedStyle(el).backgroundImage"
    assert "linear-gradient" in treatment.evaluate(mark)
    companion = page.get_by_label("Reise og opphold for ledsager")
    assert "linear-gradient" not in companion.evaluate(mark)
    companion.click()
    expect(companion).to_be_checked()
    assert "linear-gradient" in companion.evaluate(mark)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not console_log.errors, "\n".join(console_log.errors)
