"""Moved to :mod:`geoexplore.viz.i18n`; this re-export is kept for one release."""

from geoexplore.viz.i18n import CJK_FAMILIES, LABELS, LANGS, cjk_font, font_rc, t

__all__ = ['CJK_FAMILIES', 'LABELS', 'LANGS', 'cjk_font', 'font_rc', 't']
