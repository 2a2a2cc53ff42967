# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=False
"""``pdfpage.PageReader``'s glyph loop and ruling walk in C: the same calls into PDFium, the same
arithmetic, the same ``Glyph`` and ``Segment`` values, without four ctypes calls per character;
and ``layout.find_tables`` / ``group_lines`` / ``fill_tables`` (PDF and OCR pages alike): the same
tables, ``Line`` values and cell texts, computed in C (they were the next largest shares of reading
a text PDF).

Why: through ctypes, a page's ~3,000 characters cost four foreign calls each plus the Python
around them: the glyph loop alone was 40% of reading a text PDF, several times PDFium's own work.
PDFium is called through the function pointers pypdfium2 has already loaded (no headers, no
second copy of the library); the handles come from pypdfium2's objects.  The Python methods in
``pdfpage.py`` stay as the fallback and the reference: the tests require identical glyphs and
rulings from both on every test PDF.

Exactness: every value is computed as the Python code computes it: doubles in the same order
of operations (built with -ffp-contract=off: no fused multiply-add), PDFium's floats widened
to doubles before any arithmetic, and ``min``/``max`` with Python's rule (the first of equal or
unordered values wins), so NaN boxes from a broken file give what the Python code gives.
"""

import ctypes
import dataclasses
import unicodedata

import pypdfium2.raw as R

from cpython.unicode cimport Py_UNICODE_ISSPACE
from libc.math cimport fabs
from libc.stdint cimport uintptr_t
from cpython.ref cimport PyObject
from libc.stdlib cimport free, realloc

from gongkai.read.layout import Glyph, Segment

cdef extern from *:
    """
    #ifndef GONGKAI_PYX_SHA256
    #define GONGKAI_PYX_SHA256 ""
    #endif
    """
    const char* GONGKAI_PYX_SHA256

SOURCE_SHA256 = GONGKAI_PYX_SHA256.decode()  # sha256 of this file at build time (set by setup.py)

# Glyphs and Segments are made without running their dataclass __init__ (Python code): allocated,
# then their fields written into their slots.  That is only the same thing while
# they are plain slotted field holders, so the module refuses to load otherwise (pdfpage.py then
# reads in Python).
_GLYPH_FIELDS = ("text", "x0", "top", "x1", "bottom", "size", "confidence", "space_before")
if tuple(f.name for f in dataclasses.fields(Glyph)) != _GLYPH_FIELDS \
        or tuple(f.name for f in dataclasses.fields(Segment)) != ("orient", "pos", "a", "b") \
        or hasattr(Glyph, "__post_init__") or hasattr(Segment, "__post_init__") \
        or not hasattr(Glyph, "__slots__") or not hasattr(Segment, "__slots__"):
    raise ImportError("Glyph or Segment changed: _pdfpage.pyx must be updated")

cdef extern from *:
    """
    static PyObject* gk_alloc(PyObject* type) {
        return ((PyTypeObject*) type)->tp_alloc((PyTypeObject*) type, 0);
    }
    """
    object gk_alloc(object type)

# Slots read and written at their offsets (a Glyph's fields are read several times each while lines
# and cells are made; attribute lookup was a third of that work).  Reading: only objects whose type
# is exactly Glyph, with the offsets of its own slot descriptors (plain object slots, checked);
# anything else goes through getattr.
cdef extern from *:
    """
    #include <structmember.h>
    static Py_ssize_t gk_offset(PyObject* descriptor) {
        if (Py_TYPE(descriptor) != &PyMemberDescr_Type) return -1;
        PyMemberDef* member = ((PyMemberDescrObject*) descriptor)->d_member;
        return member->type == T_OBJECT_EX ? member->offset : -1;
    }
    static PyObject* gk_slot(PyObject* obj, Py_ssize_t offset) {
        return *(PyObject**) ((char*) obj + offset);
    }
    /* a fresh object's empty slot (tp_alloc zeroed it) takes a new reference to value */
    static void gk_fill(PyObject* obj, Py_ssize_t offset, PyObject* value) {
        Py_INCREF(value);
        *(PyObject**) ((char*) obj + offset) = value;
    }
    """
    Py_ssize_t gk_offset(object descriptor)
    PyObject* gk_slot(object obj, Py_ssize_t offset)
    void gk_fill(object obj, Py_ssize_t offset, object value)

_G = tuple(Glyph.__dict__[name] for name in _GLYPH_FIELDS)
_S = tuple(Segment.__dict__[name] for name in ("orient", "pos", "a", "b"))
cdef object G_TEXT = _G[0], G_X0 = _G[1], G_TOP = _G[2], G_X1 = _G[3], G_BOTTOM = _G[4], G_SIZE = _G[5]
cdef object G_CONF = _G[6], G_SPACE = _G[7]
cdef object S_ORIENT = _S[0], S_POS = _S[1], S_A = _S[2], S_B = _S[3]
cdef str H = "h", V = "v"
cdef object GLYPH = Glyph, SEGMENT = Segment
cdef Py_ssize_t O_TEXT = gk_offset(G_TEXT), O_X0 = gk_offset(G_X0), O_TOP = gk_offset(G_TOP)
cdef Py_ssize_t O_X1 = gk_offset(G_X1), O_BOTTOM = gk_offset(G_BOTTOM), O_SIZE = gk_offset(G_SIZE)
cdef Py_ssize_t O_CONF = gk_offset(G_CONF), O_SPACE = gk_offset(G_SPACE)
cdef Py_ssize_t O_ORIENT = gk_offset(S_ORIENT), O_POS = gk_offset(S_POS), O_A = gk_offset(S_A), O_B = gk_offset(S_B)
if min(O_TEXT, O_X0, O_TOP, O_X1, O_BOTTOM, O_SIZE, O_CONF, O_SPACE, O_ORIENT, O_POS, O_A, O_B) < 0:
    raise ImportError("Glyph or Segment slots changed: _pdfpage.pyx must be updated")


cdef inline object _field(object obj, object kind, Py_ssize_t offset, str name):
    """obj.<name>: from the slot when obj is exactly ``kind`` and the slot is set, else getattr."""
    cdef PyObject* value
    if type(obj) is kind:
        value = gk_slot(obj, offset)
        if value is not NULL:
            return <object> value
    return getattr(obj, name)


cdef object _glyph(str text, double x0, double top, double x1, double bottom, double size, bint space):
    g = gk_alloc(GLYPH)
    gk_fill(g, O_TEXT, text)
    gk_fill(g, O_X0, x0)
    gk_fill(g, O_TOP, top)
    gk_fill(g, O_X1, x1)
    gk_fill(g, O_BOTTOM, bottom)
    gk_fill(g, O_SIZE, size)
    gk_fill(g, O_CONF, None)
    gk_fill(g, O_SPACE, space)
    return g


cdef object _segment(str orient, double pos, double a, double b):
    s = gk_alloc(SEGMENT)
    gk_fill(s, O_ORIENT, orient)
    gk_fill(s, O_POS, pos)
    gk_fill(s, O_A, a)
    gk_fill(s, O_B, b)
    return s


# -- PDFium, through the function pointers pypdfium2 loaded -------------------------------------

ctypedef struct FS_RECTF:
    float left
    float top
    float right
    float bottom

ctypedef struct FS_MATRIX:
    float a
    float b
    float c
    float d
    float e
    float f

ctypedef int (*f_count)(void*) noexcept nogil
ctypedef unsigned int (*f_unicode)(void*, int) noexcept nogil
ctypedef int (*f_index)(void*, int) noexcept nogil
ctypedef int (*f_loose)(void*, int, FS_RECTF*) noexcept nogil
ctypedef int (*f_charbox)(void*, int, double*, double*, double*, double*) noexcept nogil
ctypedef void* (*f_object)(void*, int) noexcept nogil
ctypedef void* (*f_form_object)(void*, unsigned long) noexcept nogil
ctypedef int (*f_bounds)(void*, float*, float*, float*, float*) noexcept nogil
ctypedef int (*f_matrix)(void*, FS_MATRIX*) noexcept nogil
ctypedef int (*f_draw_mode)(void*, int*, int*) noexcept nogil
ctypedef int (*f_color)(void*, unsigned int*, unsigned int*, unsigned int*, unsigned int*) noexcept nogil
ctypedef int (*f_point)(void*, float*, float*) noexcept nogil


cdef uintptr_t _address(f) except 0:
    return <uintptr_t> ctypes.cast(f, ctypes.c_void_p).value


cdef f_count CountChars = <f_count> _address(R.FPDFText_CountChars)
cdef f_unicode GetUnicode = <f_unicode> _address(R.FPDFText_GetUnicode)
cdef f_index IsGenerated = <f_index> _address(R.FPDFText_IsGenerated)
cdef f_loose GetLooseCharBox = <f_loose> _address(R.FPDFText_GetLooseCharBox)
cdef f_charbox GetCharBox = <f_charbox> _address(R.FPDFText_GetCharBox)
cdef f_count CountObjects = <f_count> _address(R.FPDFPage_CountObjects)
cdef f_object GetObject = <f_object> _address(R.FPDFPage_GetObject)
cdef f_count GetType = <f_count> _address(R.FPDFPageObj_GetType)
cdef f_count FormCountObjects = <f_count> _address(R.FPDFFormObj_CountObjects)
cdef f_form_object FormGetObject = <f_form_object> _address(R.FPDFFormObj_GetObject)
cdef f_bounds GetBounds = <f_bounds> _address(R.FPDFPageObj_GetBounds)
cdef f_matrix GetMatrix = <f_matrix> _address(R.FPDFPageObj_GetMatrix)
cdef f_draw_mode GetDrawMode = <f_draw_mode> _address(R.FPDFPath_GetDrawMode)
cdef f_color GetStrokeColor = <f_color> _address(R.FPDFPageObj_GetStrokeColor)
cdef f_color GetFillColor = <f_color> _address(R.FPDFPageObj_GetFillColor)
cdef f_count CountSegments = <f_count> _address(R.FPDFPath_CountSegments)
cdef f_object GetPathSegment = <f_object> _address(R.FPDFPath_GetPathSegment)
cdef f_point GetPoint = <f_point> _address(R.FPDFPathSegment_GetPoint)
cdef f_count SegmentType = <f_count> _address(R.FPDFPathSegment_GetType)
cdef f_count SegmentClose = <f_count> _address(R.FPDFPathSegment_GetClose)

cdef int OBJ_FORM = R.FPDF_PAGEOBJ_FORM, OBJ_IMAGE = R.FPDF_PAGEOBJ_IMAGE, OBJ_PATH = R.FPDF_PAGEOBJ_PATH
cdef int SEG_MOVETO = R.FPDF_SEGMENT_MOVETO


def handle(raw) -> int:
    """The address behind a pypdfium2 raw handle (a ctypes pointer)."""
    return ctypes.cast(raw, ctypes.c_void_p).value or 0


# -- Python's min and max of two doubles: the first wins unless the other compares past it -----

cdef inline double pmin(double a, double b) noexcept nogil:
    return b if b < a else a


cdef inline double pmax(double a, double b) noexcept nogil:
    return b if b > a else a


# -- the page's geometry (PageReader._pt and _box) ----------------------------------------------

cdef struct Frame:
    int rotation
    double left, bottom, right, top


cdef inline void _pt(const Frame* f, double x, double y, double* px, double* py) noexcept nogil:
    if f.rotation == 90:
        px[0] = y - f.bottom
        py[0] = x - f.left
    elif f.rotation == 180:
        px[0] = f.right - x
        py[0] = y - f.bottom
    elif f.rotation == 270:
        px[0] = f.top - y
        py[0] = f.right - x
    else:
        px[0] = x - f.left
        py[0] = f.top - y


cdef inline void _box(const Frame* f, double left, double bottom, double right, double top,
                      double* x0, double* y0, double* x1, double* y1) noexcept nogil:
    cdef double ax, ay, bx, by
    _pt(f, left, top, &ax, &ay)
    _pt(f, right, bottom, &bx, &by)
    x0[0] = pmin(ax, bx)
    y0[0] = pmin(ay, by)
    x1[0] = pmax(ax, bx)
    y1[0] = pmax(ay, by)


cdef Frame _frame(int rotation, double left, double bottom, double right, double top):
    cdef Frame f
    f.rotation, f.left, f.bottom, f.right, f.top = rotation, left, bottom, right, top
    return f


# -- text ----------------------------------------------------------------------------------------

def glyphs(uintptr_t textpage, int rotation, double left, double bottom, double right, double top, int max_chars):
    """PageReader.glyphs on a loaded text page: (glyphs, None), or ([], count) past max_chars."""
    cdef void* tp = <void*> textpage
    cdef Frame f = _frame(rotation, left, bottom, right, top)
    cdef int count = CountChars(tp)
    cdef int i
    cdef unsigned int code
    cdef bint space = False
    cdef FS_RECTF rect
    cdef double tl = 0, tr = 0, tb = 0, tt = 0
    cdef double x0, y0, x1, y1, ix0, iy0, ix1, iy1, ink, cy, size
    cdef list out = []
    if count > max_chars:
        return out, count
    for i in range(count):
        code = GetUnicode(tp, i)
        if IsGenerated(tp, i) == 1:
            continue
        ch = chr(code)  # raises for a code past U+10FFFF, as the Python loop does
        if code < 33 or Py_UNICODE_ISSPACE(code) or code == 0xFFFE or code == 0xFFFF:
            space = space or code == 0x20 or code == 0xA0
            continue
        if not GetLooseCharBox(tp, i, &rect):
            continue
        # GetCharBox succeeds wherever GetLooseCharBox did (both only check the index).
        GetCharBox(tp, i, &tl, &tr, &tb, &tt)
        _box(&f, <double> rect.left, <double> rect.bottom, <double> rect.right, <double> rect.top, &x0, &y0, &x1, &y1)
        _box(&f, tl, tb, tr, tt, &ix0, &iy0, &ix1, &iy1)
        ink = pmax(pmax(ix1 - ix0, iy1 - iy0), 1.0)
        cy = (iy0 + iy1) / 2
        if pmax(y1 - y0, x1 - x0) > pmax(60.0, 4 * ink) or not (y0 - 2 <= cy and cy <= y1 + 2):
            # Rotated or oddly scaled text: the loose box is wrong, keep the ink box.
            x0, x1 = ix0, ix1
            y0, y1 = cy - ink / 2, cy + ink / 2
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            continue
        size = y1 - y0
        if 0xF900 <= code <= 0xFAFF or 0x2F00 <= code <= 0x2FDF:
            ch = unicodedata.normalize("NFKC", ch)
        out.append(_glyph(ch, x0, y0, x1, y1, size, space))
        space = False
    return out, None


# -- rulings -------------------------------------------------------------------------------------

ctypedef double Matrix[6]


cdef struct Points:
    double* xy      # x0, y0, x1, y1, ...
    Py_ssize_t n
    Py_ssize_t capacity


cdef int _push(Points* p, double x, double y) except -1:
    cdef Py_ssize_t capacity
    cdef double* grown
    if p.n == p.capacity:
        capacity = 2 * p.capacity + 16
        grown = <double*> realloc(p.xy, capacity * 2 * sizeof(double))
        if grown == NULL:
            raise MemoryError()
        p.xy, p.capacity = grown, capacity
    p.xy[2 * p.n] = x
    p.xy[2 * p.n + 1] = y
    p.n += 1
    return 0


cdef inline void _compose(const double* m, const double* n, double* out) noexcept nogil:
    """m applied first, then n (PageReader's _compose)."""
    cdef double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5]
    cdef double A = n[0], B = n[1], C = n[2], D = n[3], E = n[4], F = n[5]
    out[0] = a * A + b * C
    out[1] = a * B + b * D
    out[2] = c * A + d * C
    out[3] = c * B + d * D
    out[4] = e * A + f * C + E
    out[5] = e * B + f * D + F


cdef inline void _matrix(void* obj, double* out) noexcept nogil:
    cdef FS_MATRIX m
    if not GetMatrix(obj, &m):
        out[0], out[1], out[2], out[3], out[4], out[5] = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
    else:
        out[0], out[1], out[2], out[3], out[4], out[5] = m.a, m.b, m.c, m.d, m.e, m.f


cdef inline bint _visible(f_color get_color, void* obj) noexcept nogil:
    cdef unsigned int r = 0, g = 0, b = 0, a = 0
    if not get_color(obj, &r, &g, &b, &a):
        return True
    if a < 40:
        return False
    return min(r, g, b) < 235  # white and near-white are backgrounds


cdef class _Walk:
    cdef Frame f
    cdef int max_objects
    cdef public long objects
    cdef public double image_area
    cdef double thin
    cdef list out
    cdef Points all_points  # the points of the path being read

    def __dealloc__(self):
        free(self.all_points.xy)

    cdef int walk(self, void* obj, const double* parent, int depth) except -1:
        cdef int kind, i, n
        cdef double m[6]
        cdef double own[6]
        cdef float l = 0, b = 0, r = 0, t = 0
        self.objects += 1
        if self.objects > self.max_objects:
            return 0
        kind = GetType(obj)
        if kind == OBJ_FORM and depth < 8:
            _matrix(obj, own)
            _compose(own, parent, m)
            n = FormCountObjects(obj)
            for i in range(n):
                self.walk(FormGetObject(obj, <unsigned long> i), m, depth + 1)
        elif kind == OBJ_IMAGE:
            if GetBounds(obj, &l, &b, &r, &t):
                self.image_area += pmax(0.0, <double> r - <double> l) * pmax(0.0, <double> t - <double> b)
        elif kind == OBJ_PATH:
            _matrix(obj, own)
            _compose(own, parent, m)
            self.path(obj, m)
        return 0

    cdef int path(self, void* obj, const double* m) except -1:
        cdef int fill_mode = 0, stroke = 0, n, i, kind
        cdef bint stroked, filled, closed
        cdef float x = 0, y = 0
        cdef double px, py
        cdef void* seg
        cdef Py_ssize_t start, end, k, total
        cdef double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5]
        GetDrawMode(obj, &fill_mode, &stroke)
        stroked = stroke != 0 and _visible(GetStrokeColor, obj)
        filled = fill_mode != 0 and _visible(GetFillColor, obj)
        if not stroked and not filled:
            return 0
        n = CountSegments(obj)
        if n > 5000:
            return 0
        self.all_points.n = 0
        starts = []   # [start index, closed] per subpath
        for i in range(n):
            seg = GetPathSegment(obj, i)
            GetPoint(seg, &x, &y)  # on failure x and y keep the last point, as in the Python loop
            _pt(&self.f, a * <double> x + c * <double> y + e, b * <double> x + d * <double> y + f, &px, &py)
            kind = SegmentType(seg)
            if kind == SEG_MOVETO or not starts:
                starts.append([self.all_points.n, False])
            _push(&self.all_points, px, py)
            if SegmentClose(seg):
                starts[len(starts) - 1][1] = True  # (no negative indices: wraparound is off)
        total = self.all_points.n
        for k in range(len(starts)):
            start = starts[k][0]
            end = starts[k + 1][0] if k + 1 < len(starts) else total
            self.subpath(start, end, starts[k][1], stroked, filled)
        return 0

    cdef int subpath(self, Py_ssize_t start, Py_ssize_t end, bint closed, bint stroked, bint filled) except -1:
        cdef double* xy = self.all_points.xy
        cdef Py_ssize_t count = end - start, k
        cdef double minx = xy[2 * start], maxx = minx, miny = xy[2 * start + 1], maxy = miny
        cdef double w, h, x0, y0, x1, y1, v
        cdef double thin = self.thin
        out = self.out
        for k in range(start + 1, end):
            v = xy[2 * k]
            minx = pmin(minx, v)
            maxx = pmax(maxx, v)
            v = xy[2 * k + 1]
            miny = pmin(miny, v)
            maxy = pmax(maxy, v)
        w, h = maxx - minx, maxy - miny
        if filled and not stroked and count >= 3:
            # A filled shape: a thin one is a drawn line, a box gives its four edges.
            if h <= thin and w > thin:
                out.append(_segment(H, (miny + maxy) / 2, minx, maxx))
            elif w <= thin and h > thin:
                out.append(_segment(V, (minx + maxx) / 2, miny, maxy))
            elif w > thin and h > thin and (count == 4 or count == 5):
                out.append(_segment(H, miny, minx, maxx))
                out.append(_segment(H, maxy, minx, maxx))
                out.append(_segment(V, minx, miny, maxy))
                out.append(_segment(V, maxx, miny, maxy))
            return 0
        for k in range(start, end - 1 + (1 if closed else 0)):
            x0, y0 = xy[2 * k], xy[2 * k + 1]
            if k + 1 < end:
                x1, y1 = xy[2 * k + 2], xy[2 * k + 3]
            else:  # the closing edge back to the first point
                x1, y1 = xy[2 * start], xy[2 * start + 1]
            if fabs(y1 - y0) < 0.5 and fabs(x1 - x0) > 0.5:
                out.append(_segment(H, (y0 + y1) / 2, pmin(x0, x1), pmax(x0, x1)))
            elif fabs(x1 - x0) < 0.5 and fabs(y1 - y0) > 0.5:
                out.append(_segment(V, (x0 + x1) / 2, pmin(y0, y1), pmax(y0, y1)))
        return 0


def segments(uintptr_t page, int rotation, double left, double bottom, double right, double top, int max_objects,
             double thin):
    """PageReader.segments: (rulings, image area, objects visited)."""
    cdef _Walk w = _Walk()
    cdef double identity[6]
    cdef int i, n
    cdef void* p = <void*> page
    identity[0], identity[1], identity[2], identity[3], identity[4], identity[5] = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
    w.f = _frame(rotation, left, bottom, right, top)
    w.max_objects = max_objects
    w.thin = thin
    w.out = []
    n = CountObjects(p)
    for i in range(n):
        w.walk(GetObject(p, i), identity, 0)
    return w.out, w.image_area, w.objects


# -- layout.py's line grouping (PDF and OCR pages alike) ----------------------------------------
# group_lines and fill_tables as layout.py has them: the same sort orders (Python's sort is
# stable: ties keep their order, here by an index), the same arithmetic, the same Line values.
# A page with a NaN in any box or size falls back to the Python code (None is returned), where
# sorting NaNs has its own outcome.

from libc.math cimport isnan
from libc.stdlib cimport malloc, qsort

from gongkai.read.layout import Line

# Lines are made by position, as layout._make_line makes them.
if tuple(f.name for f in dataclasses.fields(Line)) != ("glyphs", "text", "x0", "top", "x1", "bottom", "size",
                                                       "confidence"):
    raise ImportError("Line changed: _pdfpage.pyx must be updated")


cdef struct Box:
    double x0, top, x1, bottom, size, cy
    Py_ssize_t index   # position in the input (the stable sort's tie-break)
    Py_ssize_t order   # position in reading order (ties within a line)


cdef int _by_reading(const void* a, const void* b) noexcept nogil:
    cdef const Box* p = <const Box*> a
    cdef const Box* q = <const Box*> b
    if p.cy != q.cy:
        return -1 if p.cy < q.cy else 1
    if p.x0 != q.x0:
        return -1 if p.x0 < q.x0 else 1
    return -1 if p.index < q.index else (1 if p.index > q.index else 0)


cdef int _by_x0(const void* a, const void* b) noexcept nogil:
    cdef const Box* p = <const Box*> a
    cdef const Box* q = <const Box*> b
    if p.x0 != q.x0:
        return -1 if p.x0 < q.x0 else 1
    return -1 if p.order < q.order else (1 if p.order > q.order else 0)


cdef inline bint _word(Py_UCS4 c) noexcept:
    return (c >= u'0' and c <= u'9') or (c >= u'A' and c <= u'Z') or (c >= u'a' and c <= u'z')


cdef str _line_text(list gl, Box* boxes, Py_ssize_t n):
    """layout._make_line's text over boxes[0:n] (sorted by x0); gl[k] is boxes[k]'s glyph."""
    cdef Py_ssize_t k
    cdef double gap, size
    cdef str prev_text, text
    cdef Py_UCS4 last, first
    prev_text = _field(gl[0], GLYPH, O_TEXT, "text")
    if n == 1:
        return "".join([prev_text])
    parts = [prev_text]
    for k in range(1, n):
        g = gl[k]
        text = _field(g, GLYPH, O_TEXT, "text")
        gap = boxes[k].x0 - boxes[k - 1].x1
        size = pmax(pmax(pmax(boxes[k - 1].size, boxes[k].size), boxes[k - 1].bottom - boxes[k - 1].top), 1.0)
        last = prev_text[len(prev_text) - 1]
        first = text[0]
        if gap > 0.6 * size or (gap > 0.2 * size and _word(last) and _word(first)) \
                or (_field(g, GLYPH, O_SPACE, "space_before") and (last < 128 or first < 128)):
            parts.append(" ")
        parts.append(text)
        prev_text = text
    return "".join(parts)


cdef object _line(list glyphs, Box* boxes, Py_ssize_t n):
    """layout._make_line over boxes[0:n] (sorted by x0); glyphs[boxes[k].index] is the glyph."""
    cdef Py_ssize_t k
    cdef double x0, top, x1, bottom
    gl = [glyphs[boxes[k].index] for k in range(n)]
    text = _line_text(gl, boxes, n)
    confs = _confidences(gl)
    # Latin fonts have taller boxes than CJK ones: a mixed line takes its CJK glyphs' size.
    sizes = sorted([boxes[k].size for k in range(n) if not (<str> _field(gl[k], GLYPH, O_TEXT, "text")).isascii()]) \
        or sorted([boxes[k].size for k in range(n)])
    x0, top, x1, bottom = boxes[0].x0, boxes[0].top, boxes[0].x1, boxes[0].bottom
    for k in range(1, n):
        x0 = pmin(x0, boxes[k].x0)
        top = pmin(top, boxes[k].top)
        x1 = pmax(x1, boxes[k].x1)
        bottom = pmax(bottom, boxes[k].bottom)
    return Line(gl, text, x0, top, x1, bottom, sizes[len(sizes) // 2], min(confs) if confs else None)


cdef list _confidences(list gl):
    """[g.confidence for g in gl if g.confidence is not None]"""
    cdef list out = []
    for g in gl:
        conf = _field(g, GLYPH, O_CONF, "confidence")
        if conf is not None:
            out.append(conf)
    return out


cdef str _cell_text(list glyphs, Box* boxes, Py_ssize_t n, str text):
    """layout.join_cell_lines, one line at a time: ``text`` so far and the line of boxes[0:n]."""
    cdef Py_ssize_t k
    t = _line_text([glyphs[boxes[k].index] for k in range(n)], boxes, n).strip()
    if text and t and _word(text[len(text) - 1]) and _word(t[0]):
        text += " "
    return text + t


def group_lines(list glyphs):
    """layout.group_lines, or None when a box or size is NaN."""
    return _group(glyphs, False)


cdef object _group(list glyphs, bint text_only):
    """group_lines; with ``text_only`` the cell's text (join_cell_lines of the lines) instead."""
    cdef Py_ssize_t n = len(glyphs), k, start, line_start
    cdef Box few[16]  # most cells hold a few glyphs: no allocation for them
    cdef Box* boxes = few
    cdef double gt, gb, cy, height, overlap, flat, top = 0.0, bottom = 0.0
    cdef list out = []
    cdef str text = ""
    if n == 0:
        return text if text_only else out
    if n > 16:
        boxes = <Box*> malloc(n * sizeof(Box))
        if boxes == NULL:
            raise MemoryError()
    try:
        for k in range(n):
            g = glyphs[k]
            boxes[k].x0 = _field(g, GLYPH, O_X0, "x0")
            boxes[k].top = _field(g, GLYPH, O_TOP, "top")
            boxes[k].bottom = _field(g, GLYPH, O_BOTTOM, "bottom")
            boxes[k].size = _field(g, GLYPH, O_SIZE, "size")
            boxes[k].x1 = _field(g, GLYPH, O_X1, "x1")
            boxes[k].cy = (boxes[k].top + boxes[k].bottom) / 2
            boxes[k].index = k
            # cy too: an infinite top and bottom make a NaN centre (qsort needs a consistent order)
            if isnan(boxes[k].x0) or isnan(boxes[k].top) or isnan(boxes[k].bottom) or isnan(boxes[k].size) \
                    or isnan(boxes[k].x1) or isnan(boxes[k].cy):
                return None
        qsort(boxes, n, sizeof(Box), _by_reading)
        line_start = 0
        for k in range(n):
            boxes[k].order = k
            gt, gb = boxes[k].top, boxes[k].bottom
            if k > 0:
                cy = (gt + gb) / 2
                height = pmax(pmax(bottom - top, gb - gt), 1.0)
                # A flat glyph can come with a flat box ("一" in some CJK fonts: 4 pt high, centred
                # above the line's middle); it is on the line when the line's band holds it.
                overlap = pmin(bottom, gb) - pmax(top, gt)
                flat = pmax(pmin(bottom - top, gb - gt), 0.1)
                if (cy <= bottom and cy - (top + bottom) / 2 < 0.5 * height) or overlap >= 0.8 * flat:
                    if gt < top:
                        top = gt
                    if gb > bottom:
                        bottom = gb
                    continue
                qsort(boxes + line_start, k - line_start, sizeof(Box), _by_x0)
                if text_only:
                    text = _cell_text(glyphs, boxes + line_start, k - line_start, text)
                else:
                    out.append(_line(glyphs, boxes + line_start, k - line_start))
                line_start = k
            top, bottom = gt, gb
        qsort(boxes + line_start, n - line_start, sizeof(Box), _by_x0)
        if text_only:
            return _cell_text(glyphs, boxes + line_start, n - line_start, text)
        out.append(_line(glyphs, boxes + line_start, n - line_start))
        return out
    finally:
        if boxes != few:
            free(boxes)


cdef Py_ssize_t _index(const double* values, Py_ssize_t n, double v) noexcept:
    """layout._index: bisect_right - 1 (Python's bisect, step for step), in range or -1."""
    cdef Py_ssize_t lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if v < values[mid]:
            hi = mid
        else:
            lo = mid + 1
    lo -= 1
    return lo if 0 <= lo < n - 1 else -1


cdef double* _doubles(list values) except NULL:
    cdef Py_ssize_t k, n = len(values)
    cdef double* out = <double*> malloc((n + 1) * sizeof(double))
    if out == NULL:
        raise MemoryError()
    for k in range(n):
        out[k] = values[k]
    return out


cdef void _free(double* bbox, double** xs, double** ys, Py_ssize_t* n_xs, Py_ssize_t* n_ys) noexcept:
    free(bbox)
    free(xs)
    free(ys)
    free(n_xs)
    free(n_ys)


def fill_tables(list tables, list glyphs):
    """layout.fill_tables, or None when a cell's lines need the Python code (a NaN)."""
    cdef Py_ssize_t t, n_tables = len(tables), k, r, c
    cdef double cx, cy, gx0, gx1, gt, gb
    cdef double* bbox
    cdef double** xs
    cdef double** ys
    cdef Py_ssize_t* n_xs
    cdef Py_ssize_t* n_ys
    cdef bint placed
    if n_tables == 0:
        return list(glyphs)
    bbox = <double*> malloc(4 * n_tables * sizeof(double))
    xs = <double**> malloc(n_tables * sizeof(double*))
    ys = <double**> malloc(n_tables * sizeof(double*))
    n_xs = <Py_ssize_t*> malloc(n_tables * sizeof(Py_ssize_t))
    n_ys = <Py_ssize_t*> malloc(n_tables * sizeof(Py_ssize_t))
    if not (bbox and xs and ys and n_xs and n_ys):
        _free(bbox, xs, ys, n_xs, n_ys)
        raise MemoryError()
    for t in range(n_tables):
        xs[t] = ys[t] = NULL
    try:
        origins = []
        for t in range(n_tables):
            table = tables[t]
            bbox[4 * t], bbox[4 * t + 1], bbox[4 * t + 2], bbox[4 * t + 3] = table.bbox
            xs[t], n_xs[t] = _doubles(table.xs), len(table.xs)
            ys[t], n_ys[t] = _doubles(table.ys), len(table.ys)
            origins.append(table.origin)
        outside = []
        per_cell = {}
        # each elementary cell's list of glyphs, found once: its merged cell's list in per_cell
        lists = [[None] * ((n_xs[t] - 1) * (n_ys[t] - 1)) if n_xs[t] > 1 and n_ys[t] > 1 else []
                 for t in range(n_tables)]
        for g in glyphs:
            gx0, gx1 = _field(g, GLYPH, O_X0, "x0"), _field(g, GLYPH, O_X1, "x1")
            gt, gb = _field(g, GLYPH, O_TOP, "top"), _field(g, GLYPH, O_BOTTOM, "bottom")
            cx, cy = (gx0 + gx1) / 2, (gt + gb) / 2
            placed = False
            for t in range(n_tables):
                if bbox[4 * t] <= cx <= bbox[4 * t + 2] and bbox[4 * t + 1] <= cy <= bbox[4 * t + 3]:
                    r = _index(ys[t], n_ys[t], cy)
                    c = _index(xs[t], n_xs[t], cx)
                    if r >= 0 and c >= 0:
                        cells = <list> lists[t]
                        cell = cells[r * (n_xs[t] - 1) + c]
                        if cell is None:
                            key = (t, *origins[t][(r, c)])
                            cell = per_cell.get(key)
                            if cell is None:
                                cell = per_cell[key] = []
                            cells[r * (n_xs[t] - 1) + c] = cell
                        (<list> cell).append(g)
                        placed = True
                    break
            if not placed:
                outside.append(g)
        texts = {}
        for key, gl in per_cell.items():
            text = _group(gl, True)
            if text is None:
                return None
            texts[key] = (text, _confidences(gl))
        for (t, r, c), (text, confs) in texts.items():
            tables[t].texts[(r, c)] = text
            if confs:
                tables[t].confidence[(r, c)] = min(confs)
        return outside
    finally:
        for t in range(n_tables):
            free(xs[t])
            free(ys[t])
        _free(bbox, xs, ys, n_xs, n_ys)


# -- layout.find_tables' ruling work (_merge, _components, _table) ---------------------------------
# The same rulings, tables, grid positions and merged cells as the Python code: stable sorts (ties
# keep their input order, by an index), Python's own ``sum`` for a snapped ruling's position (its
# summation differs between Python versions), the same sums of covered lengths in the same order,
# and ``min``/``max`` with Python's rule.  Only finite ``float`` values are taken: anything else
# (a NaN, an infinity, an int or a numpy float from OCR) goes to the Python code (None is returned).

from gongkai.read.layout import SNAP as _SNAP, JOIN as _JOIN, TOUCH as _TOUCH, MIN_CELL as _MIN_CELL, \
    COVER as _COVER, TableLayout

from libc.math cimport isfinite

cdef double SNAP = _SNAP, JOIN = _JOIN, TOUCH = _TOUCH, MIN_CELL = _MIN_CELL, COVER = _COVER


cdef struct Rule:
    double pos, a, b
    Py_ssize_t index   # input order: the stable sorts' tie-break
    int h              # 1 horizontal, 0 vertical


cdef struct Val:
    double v
    Py_ssize_t index


cdef int _rule_by_pos(const void* x, const void* y) noexcept nogil:
    cdef const Rule* p = <const Rule*> x
    cdef const Rule* q = <const Rule*> y
    if p.pos != q.pos:
        return -1 if p.pos < q.pos else 1
    return -1 if p.index < q.index else (1 if p.index > q.index else 0)


cdef int _rule_by_span(const void* x, const void* y) noexcept nogil:
    # sorted((min(a, b), max(a, b)) ...): a and b are stored as that pair
    cdef const Rule* p = <const Rule*> x
    cdef const Rule* q = <const Rule*> y
    if p.a != q.a:
        return -1 if p.a < q.a else 1
    if p.b != q.b:
        return -1 if p.b < q.b else 1
    return -1 if p.index < q.index else (1 if p.index > q.index else 0)


cdef int _by_value(const void* x, const void* y) noexcept nogil:
    cdef const Val* p = <const Val*> x
    cdef const Val* q = <const Val*> y
    if p.v != q.v:
        return -1 if p.v < q.v else 1
    return -1 if p.index < q.index else (1 if p.index > q.index else 0)


cdef inline Py_ssize_t _root(Py_ssize_t* parent, Py_ssize_t k) noexcept nogil:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


cdef Py_ssize_t _merge(Rule* rules, Py_ssize_t n, Rule* out, int h) except -1:
    """layout._merge for one orientation: rules[0:n] (sorted here) into out; the count made."""
    cdef Py_ssize_t i = 0, j, k, made = 0
    cdef double pos, a, b
    qsort(rules, n, sizeof(Rule), _rule_by_pos)
    while i < n:
        j = i + 1  # the cluster: each next ruling within SNAP of the one before it
        while j < n and rules[j].pos - rules[j - 1].pos <= SNAP:
            j += 1
        pos = sum([rules[k].pos for k in range(i, j)]) / (j - i)
        qsort(rules + i, j - i, sizeof(Rule), _rule_by_span)
        a, b = rules[i].a, rules[i].b
        for k in range(i + 1, j):
            if rules[k].a <= b + JOIN:
                b = pmax(b, rules[k].b)
            else:
                out[made].pos, out[made].a, out[made].b, out[made].h = pos, a, b, h
                made += 1
                a, b = rules[k].a, rules[k].b
        out[made].pos, out[made].a, out[made].b, out[made].h = pos, a, b, h
        made += 1
        i = j
    return made


cdef bint _covered(Rule* rules, Py_ssize_t n, double pos, double a, double b) noexcept:
    """layout._covered (and _covered_by over _near's rulings: the same sum in the same order)."""
    cdef double length = b - a, covered = 0.0, overlap
    cdef Py_ssize_t k
    if length <= 0:
        return True
    for k in range(n):
        if fabs(rules[k].pos - pos) <= MIN_CELL + 0.5:
            overlap = (rules[k].b if rules[k].b < b else b) - (rules[k].a if rules[k].a > a else a)
            if overlap > 0.0:
                covered += overlap
    return covered >= COVER * length


cdef list _positions(Val* values, Py_ssize_t n):
    """layout._positions"""
    cdef Py_ssize_t k
    cdef list out = []
    cdef double last = 0.0
    qsort(values, n, sizeof(Val), _by_value)
    for k in range(n):
        if out and values[k].v - last < MIN_CELL:
            continue
        last = values[k].v
        out.append(last)
    return out


cdef object _table(Rule* group, Py_ssize_t n):
    """layout._table over one group of merged rulings (in their order)."""
    cdef Py_ssize_t k, n_h = 0, n_v = 0, rows, cols, r, c, ra, rb, cells, root
    cdef double left, right, top, bottom
    cdef Rule* hs = NULL
    cdef Rule* vs = NULL
    cdef Val* values = NULL
    cdef Py_ssize_t* parent = NULL
    cdef Py_ssize_t* left_col = NULL
    cdef double* xs
    cdef double* ys
    cdef bint open_top, open_bottom
    for k in range(n):
        if group[k].h:
            n_h += 1
        else:
            n_v += 1
    if n_v < 2 and n_h < 2:
        return None
    hs = <Rule*> malloc((n_h + 2) * sizeof(Rule))
    vs = <Rule*> malloc((n_v + 2) * sizeof(Rule))
    values = <Val*> malloc((n + 2) * sizeof(Val))
    try:
        if hs == NULL or vs == NULL or values == NULL:
            raise MemoryError()
        n_h = n_v = 0
        for k in range(n):
            if group[k].h:
                hs[n_h] = group[k]
                n_h += 1
            else:
                vs[n_v] = group[k]
                n_v += 1
        # min([v.pos for v in vs] + [h.a for h in hs]) and the like, in that order
        left, right = (vs[0].pos, vs[0].pos) if n_v else (hs[0].a, hs[0].b)
        for k in range(n_v):
            left, right = pmin(left, vs[k].pos), pmax(right, vs[k].pos)
        for k in range(n_h):
            left, right = pmin(left, hs[k].a), pmax(right, hs[k].b)
        top, bottom = (hs[0].pos, hs[0].pos) if n_h else (vs[0].a, vs[0].b)
        for k in range(n_h):
            top, bottom = pmin(top, hs[k].pos), pmax(bottom, hs[k].pos)
        for k in range(n_v):
            top, bottom = pmin(top, vs[k].a), pmax(bottom, vs[k].b)
        if right - left < 2 * MIN_CELL or bottom - top < 2 * MIN_CELL:
            return None
        values[0].v, values[1].v = left, right
        for k in range(n_v):
            values[k + 2].v = vs[k].pos
        for k in range(n_v + 2):
            values[k].index = k
        x_list = _positions(values, n_v + 2)
        values[0].v, values[1].v = top, bottom
        for k in range(n_h):
            values[k + 2].v = hs[k].pos
        for k in range(n_h + 2):
            values[k].index = k
        y_list = _positions(values, n_h + 2)
        x_list[0], x_list[len(x_list) - 1] = left, right
        y_list[0], y_list[len(y_list) - 1] = top, bottom
        open_top = not _covered(hs, n_h, top, left, right)
        open_bottom = not _covered(hs, n_h, bottom, left, right)
        # The outer frame is closed even where a page break left it open.
        hs[n_h].pos, hs[n_h].a, hs[n_h].b = top, left, right
        hs[n_h + 1].pos, hs[n_h + 1].a, hs[n_h + 1].b = bottom, left, right
        vs[n_v].pos, vs[n_v].a, vs[n_v].b = left, top, bottom
        vs[n_v + 1].pos, vs[n_v + 1].a, vs[n_v + 1].b = right, top, bottom
        n_h += 2
        n_v += 2
        rows, cols = len(y_list) - 1, len(x_list) - 1
        cells = rows * cols
        free(values)
        values = NULL
        xs, ys = _doubles(x_list), NULL
        try:
            ys = _doubles(y_list)
            parent = <Py_ssize_t*> malloc(cells * sizeof(Py_ssize_t) + 1)
            left_col = <Py_ssize_t*> malloc(cells * sizeof(Py_ssize_t) + 1)
            if parent == NULL or left_col == NULL:
                raise MemoryError()
            for k in range(cells):
                parent[k] = k
            # A set's root is its smallest number (the union keeps the smaller root).
            for c in range(1, cols):
                for r in range(rows):
                    if not _covered(vs, n_v, xs[c], ys[r], ys[r + 1]):
                        ra, rb = _root(parent, r * cols + c - 1), _root(parent, r * cols + c)
                        if ra != rb:
                            parent[ra if ra > rb else rb] = rb if ra > rb else ra
            for r in range(1, rows):
                for c in range(cols):
                    if not _covered(hs, n_h, ys[r], xs[c], xs[c + 1]):
                        ra, rb = _root(parent, (r - 1) * cols + c), _root(parent, r * cols + c)
                        if ra != rb:
                            parent[ra if ra > rb else rb] = rb if ra > rb else ra
            # A merged cell is anchored at its top row's and its leftmost column's corner.
            for k in range(cells):
                left_col[k] = k % cols
            for k in range(cells):
                root = _root(parent, k)
                if root != k and k % cols < left_col[root]:
                    left_col[root] = k % cols
            origin = {}
            for k in range(cells):
                root = _root(parent, k)
                origin[(k // cols, k % cols)] = (root // cols, left_col[root])
        finally:
            free(xs)
            free(ys)
        return TableLayout(x_list, y_list, origin, open_top=open_top, open_bottom=open_bottom)
    finally:
        free(hs)
        free(vs)
        free(values)
        free(parent)
        free(left_col)


def find_tables(list segments):
    """layout.find_tables before its final sort (the tables in the order of their rulings), or
    None when a ruling is not made of finite floats (the Python code decides then)."""
    cdef Py_ssize_t n = len(segments), k, n_h = 0, n_v = 0, m, i, j, lo, hi, mid, g, groups
    cdef Rule* rules = NULL
    cdef Rule* merged = NULL
    cdef Rule* group = NULL
    cdef Rule* rule
    cdef Val* vpos = NULL
    cdef Py_ssize_t* parent = NULL
    cdef Py_ssize_t* first = NULL
    cdef double x, y
    tables = []
    rules = <Rule*> malloc((n + 1) * sizeof(Rule))
    merged = <Rule*> malloc((n + 1) * sizeof(Rule))
    try:
        if rules == NULL or merged == NULL:
            raise MemoryError()
        # horizontal rulings first (in rules), then vertical ones (gathered in merged, then moved
        # after them), as _merge makes them; each keeps its input position for the stable sorts
        for k in range(n):
            s = segments[k]
            orient, p, a, b = s.orient, s.pos, s.a, s.b
            if type(p) is not float or type(a) is not float or type(b) is not float:
                return None
            if not (isfinite(p) and isfinite(a) and isfinite(b)):
                return None
            if orient == H:
                rule = &rules[n_h]
                n_h += 1
            elif orient == V:
                rule = &merged[n_v]
                n_v += 1
            else:
                continue  # neither: _merge drops it
            x, y = a, b
            rule.pos, rule.a, rule.b, rule.index = p, pmin(x, y), pmax(x, y), k
        for k in range(n_v):
            rules[n_h + k] = merged[k]
        m = _merge(rules, n_h, merged, 1)
        m += _merge(rules + n_h, n_v, merged + m, 0)
        for k in range(m):
            merged[k].index = k
        # _components: rulings that meet are one table
        parent = <Py_ssize_t*> malloc((m + 2) * sizeof(Py_ssize_t))
        first = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
        vpos = <Val*> malloc((m + 1) * sizeof(Val))
        group = <Rule*> malloc((m + 1) * sizeof(Rule))
        if parent == NULL or first == NULL or vpos == NULL or group == NULL:
            raise MemoryError()
        n_v = 0
        for k in range(m):
            parent[k] = k
            if not merged[k].h:
                vpos[n_v].v, vpos[n_v].index = merged[k].pos, k
                n_v += 1
        qsort(vpos, n_v, sizeof(Val), _by_value)
        for i in range(m):
            if not merged[i].h:
                continue
            x = merged[i].a - TOUCH  # bisect_left
            lo, hi = 0, n_v
            while lo < hi:
                mid = (lo + hi) // 2
                if vpos[mid].v < x:
                    lo = mid + 1
                else:
                    hi = mid
            y = merged[i].b + TOUCH
            while lo < n_v and vpos[lo].v <= y:
                j = vpos[lo].index
                if merged[j].a - TOUCH <= merged[i].pos <= merged[j].b + TOUCH:
                    parent[_root(parent, i)] = _root(parent, j)
                lo += 1
        # the groups in the order of their first ruling, each in the rulings' order: the group
        # numbers by first appearance (first[root]), then a counting sort of the rulings by group
        for k in range(m):
            first[k] = -1
        groups = 0
        for k in range(m):
            g = _root(parent, k)
            if first[g] < 0:
                first[g] = groups
                groups += 1
            vpos[k].index = first[g]  # reused: each ruling's group number
        for g in range(groups + 1):
            parent[g] = 0  # reused: where each group starts in ``group``
        for k in range(m):
            parent[vpos[k].index + 1] += 1
        for g in range(groups):
            parent[g + 1] += parent[g]
        for g in range(groups):
            first[g] = parent[g]  # reused: the next free place of each group
        for k in range(m):
            g = vpos[k].index
            group[first[g]] = merged[k]
            first[g] += 1
        for g in range(groups):
            table = _table(group + parent[g], parent[g + 1] - parent[g])
            if table is not None:
                tables.append(table)
        return tables
    finally:
        free(rules)
        free(merged)
        free(group)
        free(vpos)
        free(parent)
        free(first)
