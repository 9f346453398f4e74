"""Fonts for PDFs (pick lists, labels, manifests): an embedded TrueType CJK font.

reportlab embeds TrueType outlines only (Noto CJK is CFF), so the first TrueType CJK font found is
used: Debian's fonts-wqy-zenhei (CJK and Latin glyphs) or fonts-arphic-uming. Without one, reportlab's built-in
STSong-Light CID font still renders Chinese in every common viewer, but is not embedded.
"""
import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("wms.pdf")

CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
FONT_NAME = "WMS-CJK"


@lru_cache(maxsize=1)
def cjk_font():
    """Register and return the name of the CJK font to draw text with."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in CANDIDATES:
        if Path(path).exists():
            kwargs = {} if index is None else {"subfontIndex": index}
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, **kwargs))
            return FONT_NAME
    log.warning("no TrueType CJK font found; PDFs use the non-embedded STSong-Light")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"
