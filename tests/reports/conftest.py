import pytest

from .factories import published_plan


@pytest.fixture
def report_world(world, settings, tmp_path):
    """The world with a 2026 plan in 青石镇 (3 of 4 elected, published) and one in 柳河乡
    (2 of 3 elected), and an isolated MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from tests.factories import SessionFactory, TermFactory

    published_plan(world.township, world.session, year=2026, suggestions=5)
    term_other = TermFactory(township=world.township_other, county=world.county)
    session_other = SessionFactory(term=term_other, number=1)
    published_plan(
        world.township_other,
        session_other,
        year=2026,
        titles=["柳河村桥梁修缮", "柳河小学操场改造", "柳河村垃圾分类站"],
        elected=2,
        suggestions=2,
    )
    world.session_other = session_other
    return world
