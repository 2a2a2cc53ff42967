# cython: language_level=3, boundscheck=False, wraparound=False
"""The walk of ``html.python_walk`` over lxml's C tree: the same report root, paragraphs and
expanded tables, without an lxml proxy object or a Python call per element.

Why: HTML pages of government sites carry hundreds of Word-markup elements around a report of
a few hundred cells; walking them through lxml's Python API cost more than parsing the page.
The rules (which tags are blocks, what marks a report table) come from ``htmlrules``; the tests
require this walk and the Python one to give identical blocks.  The tree is only read here.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, strcmp, strlen

from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element, import_lxml__etree

from gongkai.model import Where, at_row, table_cell
from gongkai.read.document import Grid, GridCell, Paragraph
from gongkai.read.htmlrules import (BLOCK_TAGS, HEADING_CANDIDATES, HEADING_FIRST, HEADING_TAGS, MAX_SPAN,
                                    REPORT_TABLE, SECTION_HEADING, SPACES, span)

cdef extern from "lxml-version.h":
    const char* LXML_VERSION_STRING

cdef extern from *:
    """
    #ifndef GONGKAI_PYX_SHA256
    #define GONGKAI_PYX_SHA256 ""
    #endif
    """
    const char* GONGKAI_PYX_SHA256

import_lxml__etree()

LXML_VERSION = LXML_VERSION_STRING.decode()  # lxml whose C structures this module was compiled against
SOURCE_SHA256 = GONGKAI_PYX_SHA256.decode()  # sha256 of this file at build time (set by setup.py)

# GridCells and Paragraphs are made without running their record __init__ (Python code, most of
# the walk's time): allocated, then their fields set through the class's own slot descriptors.  That
# is only the same thing while the classes are plain field holders, so the module refuses to load
# otherwise (html.py then walks in Python).
if GridCell.__match_args__ != ("text", "where", "covered", "origin", "confidence") \
        or Paragraph.__match_args__ != ("text", "where", "heading") \
        or hasattr(GridCell, "__post_init__") or hasattr(Paragraph, "__post_init__") \
        or not hasattr(GridCell, "__slots__"):
    raise ImportError("GridCell or Paragraph changed: _htmlwalk.pyx must be updated")

cdef extern from *:
    """
    static PyObject* gk_alloc(PyObject* type) {
        return ((PyTypeObject*) type)->tp_alloc((PyTypeObject*) type, 0);
    }
    static int gk_set(PyObject* descriptor, PyObject* obj, PyObject* value) {
        return Py_TYPE(descriptor)->tp_descr_set(descriptor, obj, value);
    }
    """
    object gk_alloc(object type)
    int gk_set(object descriptor, object obj, object value) except -1

_TEXT, _WHERE, _COVERED, _ORIGIN, _CONFIDENCE = (GridCell.__dict__[name] for name in
                                                 ("text", "where", "covered", "origin", "confidence"))


cdef object _cell(str text, object where, bint covered=False, object origin=None):
    cell = gk_alloc(GridCell)
    gk_set(_TEXT, cell, text)
    gk_set(_WHERE, cell, where)
    gk_set(_COVERED, cell, covered)
    gk_set(_ORIGIN, cell, origin)
    gk_set(_CONFIDENCE, cell, None)
    return cell


cdef object _paragraph(str text, object where, bint heading):
    paragraph = object.__new__(Paragraph)
    paragraph.text = text
    paragraph.where = where
    paragraph.heading = heading
    return paragraph


cdef str clean(str text):
    # htmlrules.clean, without a Python frame for every label and paragraph
    if text.isprintable() and "  " not in text:
        return text.strip()
    return SPACES.sub(" ", text).strip()


cdef enum:
    K_BLOCK = 1
    K_HEADING = 2
    K_CANDIDATE = 4
    K_TABLE = 8
    K_BR = 16
    K_ROW = 32
    K_CELL = 64
    K_ROWGROUP = 128

cdef int _kind_of(str tag):
    cdef int k = 0
    if tag in BLOCK_TAGS:
        k |= K_BLOCK
    if tag in HEADING_TAGS:
        k |= K_HEADING
    if tag in HEADING_CANDIDATES:
        k |= K_CANDIDATE
    if tag == "table":
        k |= K_TABLE
    elif tag == "br":
        k |= K_BR
    elif tag == "tr":
        k |= K_ROW
    elif tag == "td" or tag == "th":
        k |= K_CELL
    elif tag == "thead" or tag == "tbody" or tag == "tfoot":
        k |= K_ROWGROUP
    return k


cdef inline bint _is_text(tree.xmlNode* n) noexcept:
    return n.type == tree.XML_TEXT_NODE or n.type == tree.XML_CDATA_SECTION_NODE


cdef inline bint _is_ascii_space(unsigned char b) noexcept:
    # the ASCII characters str.isspace() accepts
    return b == 32 or 9 <= b <= 13 or 28 <= b <= 31


cdef struct Buffer:
    char* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int _append(Buffer* b, const char* s) except -1:
    cdef Py_ssize_t n = strlen(s)
    cdef Py_ssize_t capacity
    cdef char* grown
    if b.size + n > b.capacity:
        capacity = max(2 * b.capacity, b.size + n + 256)
        grown = <char*> realloc(b.data, capacity)
        if grown == NULL:
            raise MemoryError()
        b.data = grown
        b.capacity = capacity
    memcpy(b.data + b.size, s, n)
    b.size += n
    return 0


cdef inline str _decode(Buffer* b):
    return PyUnicode_DecodeUTF8(b.data, b.size, NULL)


cdef bint _plain(Buffer* b) noexcept:
    """Printable ASCII without spaces (most cells are numbers): clean() would return it as is."""
    cdef Py_ssize_t i
    cdef unsigned char ch
    for i in range(b.size):
        ch = <unsigned char> b.data[i]
        if ch < 33 or ch > 126:
            return False
    return True


cdef bint _blank(Buffer* b) noexcept:
    """Only ASCII whitespace (what clean() reduces to nothing without looking further)."""
    cdef Py_ssize_t i
    for i in range(b.size):
        if not _is_ascii_space(<unsigned char> b.data[i]):
            return False
    return True


cdef class _Walk:
    # Element names are interned in the document's dictionary, so a page has a few dozen
    # distinct name pointers: their kinds are cached by pointer.
    cdef const tree.xmlChar* names[64]
    cdef int kinds[64]
    cdef int n_names
    cdef Buffer text      # the paragraph being gathered
    cdef Buffer scratch   # one element's text
    cdef list blocks
    cdef bint heading
    cdef int tables
    cdef int paragraphs

    def __cinit__(self):
        self.blocks = []

    def __dealloc__(self):
        free(self.text.data)
        free(self.scratch.data)

    cdef int kind(self, tree.xmlNode* n) except -1:
        cdef int i
        if n.type != tree.XML_ELEMENT_NODE or n.ns != NULL:
            return 0  # lxml gives these no plain tag name
        for i in range(self.n_names):
            if self.names[i] == n.name:
                return self.kinds[i]
        k = _kind_of((<const char*> n.name).decode("utf-8"))
        if self.n_names < 64:
            self.names[self.n_names] = n.name
            self.kinds[self.n_names] = k
            self.n_names += 1
        return k

    # -- text --------------------------------------------------------------------------------
    cdef int gather(self, tree.xmlNode* el, Buffer* out) except -1:
        """All text below ``el`` (lxml's text serializer without the tail)."""
        cdef tree.xmlNode* c = el.children
        while c != NULL:
            if _is_text(c):
                if c.content != NULL:
                    _append(out, <const char*> c.content)
            elif c.type == tree.XML_ELEMENT_NODE:
                self.gather(c, out)
            c = c.next
        return 0

    cdef str text_of(self, tree.xmlNode* el):
        self.scratch.size = 0
        self.gather(el, &self.scratch)
        return _decode(&self.scratch)

    cdef str leading_text(self, tree.xmlNode* el):
        """lxml's ``el.text``: the text before the first child element."""
        cdef tree.xmlNode* c = el.children
        self.scratch.size = 0
        while c != NULL and _is_text(c):
            if c.content != NULL:
                _append(&self.scratch, <const char*> c.content)
            c = c.next
        return _decode(&self.scratch)

    cdef bint may_be_heading(self, tree.xmlNode* el) except -1:
        """False when ``el.text`` surely does not start with 一…六 (most elements), else ask Python."""
        cdef tree.xmlNode* c = el.children
        cdef const unsigned char* s
        cdef int n
        while c != NULL and _is_text(c):
            s = <const unsigned char*> c.content
            if s != NULL:
                while s[0] != 0 and _is_ascii_space(s[0]):
                    s += 1
                if s[0] != 0:
                    if s[0] < 0x80:
                        return False
                    n = 2 if s[0] < 0xE0 else 3 if s[0] < 0xF0 else 4
                    first = PyUnicode_DecodeUTF8(<const char*> s, n, "replace")
                    return first in HEADING_FIRST or first.isspace()
            c = c.next
        return False

    cdef bint has_table_below(self, tree.xmlNode* el) except -1:
        cdef tree.xmlNode* c = el.children
        while c != NULL:
            if c.type == tree.XML_ELEMENT_NODE and (self.kind(c) & K_TABLE or self.has_table_below(c)):
                return True
            c = c.next
        return False

    # -- the report's root -------------------------------------------------------------------
    cdef int marks(self, tree.xmlNode* el, bint in_table, list out) except -1:
        """The report's tables and the section headings outside any table (html._marks)."""
        cdef tree.xmlNode* c = el.children
        cdef int k
        while c != NULL:
            if c.type == tree.XML_ELEMENT_NODE:
                k = self.kind(c)
                if k & K_TABLE:
                    if not self.has_table_below(c):
                        if REPORT_TABLE.search(self.text_of(c)) is not None:
                            out.append(<size_t> c)
                    else:
                        self.marks(c, True, out)
                    c = c.next
                    continue
                if not in_table and k & K_CANDIDATE and self.may_be_heading(c):
                    first = self.leading_text(c)
                    if first.lstrip()[:1] in HEADING_FIRST:
                        own = clean(self.text_of(c))
                        if len(own) <= 40 and SECTION_HEADING.match(own):
                            out.append(<size_t> c)
                self.marks(c, in_table, out)
            c = c.next
        return 0

    cdef tree.xmlNode* report_root(self, tree.xmlNode* body) except NULL:
        """Lowest common ancestor of the report's tables and section headings (html._report_root)."""
        cdef list found = []
        cdef tree.xmlNode* n
        self.marks(body, False, found)
        if not found:
            return body
        paths = []
        for mark in found:
            path = []
            n = <tree.xmlNode*> <size_t> mark
            while n != NULL and n.type == tree.XML_ELEMENT_NODE:
                path.append(<size_t> n)
                n = n.parent
            path.reverse()
            paths.append(path)
        root = <size_t> body
        for level in zip(*paths):
            first = level[0]
            if all(x == first for x in level):
                root = first
            else:
                break
        return <tree.xmlNode*> <size_t> root

    # -- the walk ----------------------------------------------------------------------------
    cdef int flush(self) except -1:
        cdef str text
        if self.text.size and not _blank(&self.text):
            text = clean(_decode(&self.text))
            if text:
                self.paragraphs += 1
                self.blocks.append(_paragraph(text, at_row(self.paragraphs), self.heading))
        self.text.size = 0
        self.heading = False
        return 0

    cdef int walk(self, tree.xmlNode* el) except -1:
        cdef int k = self.kind(el)
        cdef tree.xmlNode* c = el.children
        if k & K_TABLE and not self.has_table_below(el):
            self.flush()
            self.tables += 1
            self.blocks.append(self.expand(el, self.tables))
            return 0
        if k & K_BLOCK:
            self.flush()
        if k & K_HEADING:
            self.heading = True
        if k & K_BR:
            self.flush()
            while c != NULL and _is_text(c):  # html.py ignores a <br>'s own text
                c = c.next
        while c != NULL:
            if c.type == tree.XML_ELEMENT_NODE:
                self.walk(c)
            elif _is_text(c) and c.content != NULL:
                _append(&self.text, <const char*> c.content)
            c = c.next
        if k & K_BLOCK:
            self.flush()
        return 0

    cdef str attribute(self, tree.xmlNode* el, const char* name):
        cdef tree.xmlAttr* a = el.properties
        cdef tree.xmlNode* c
        while a != NULL:
            if a.ns == NULL and strcmp(<const char*> a.name, name) == 0:
                self.scratch.size = 0
                c = a.children
                while c != NULL:
                    if _is_text(c) and c.content != NULL:
                        _append(&self.scratch, <const char*> c.content)
                    c = c.next
                return _decode(&self.scratch)
            a = a.next
        return None

    cdef int span(self, tree.xmlNode* cell, const char* name) except -1:
        """htmlrules.span of the attribute; plain digits are read here."""
        cdef Py_ssize_t i
        cdef long n = 0
        value = self.attribute(cell, name)
        if value is None:
            return 1
        if 0 < self.scratch.size <= 6:
            for i in range(self.scratch.size):
                if not b"0"[0] <= self.scratch.data[i] <= b"9"[0]:
                    return span(value)
                n = n * 10 + self.scratch.data[i] - b"0"[0]
            return max(1, min(MAX_SPAN, n))
        return span(value)

    cdef list own_rows(self, tree.xmlNode* table):
        cdef list rows = []
        cdef tree.xmlNode* c = table.children
        cdef tree.xmlNode* r
        cdef int k
        while c != NULL:
            k = self.kind(c)
            if k & K_ROW:
                rows.append(<size_t> c)
            elif k & K_ROWGROUP:
                r = c.children
                while r != NULL:
                    if self.kind(r) & K_ROW:
                        rows.append(<size_t> r)
                    r = r.next
            c = c.next
        return rows

    cdef object expand(self, tree.xmlNode* table, int table_no):
        """rowspan/colspan to a dense matrix of GridCells (html.expand_table)."""
        cdef list rows = self.own_rows(table)
        cdef Py_ssize_t n = len(rows)
        cdef Py_ssize_t r, c, dc, dr, width = 0
        cdef int rowspan, colspan
        cdef tree.xmlNode* cell
        cdef dict taken, lower
        cdef list row
        below = [{} for _ in range(n)]
        grid_rows = []
        for r in range(n):
            row = []
            taken = below[r]
            cell = (<tree.xmlNode*> <size_t> rows[r]).children
            while cell != NULL:
                if not self.kind(cell) & K_CELL:
                    cell = cell.next
                    continue
                c = len(row)
                while c in taken:
                    row.append(taken[c])
                    c += 1
                rowspan = min(self.span(cell, "rowspan"), n - r)
                colspan = self.span(cell, "colspan")
                raw = self.text_of(cell)
                if raw and not _plain(&self.scratch):
                    raw = clean(raw)
                where = table_cell(table_no, r + 1, c + 1)
                row.append(_cell(raw, where))
                if colspan > 1 or rowspan > 1:
                    origin = (r, c)
                    for dc in range(1, colspan):  # a span from above keeps its place where they overlap
                        row.append(taken.get(c + dc) or _cell("", where, True, origin))
                    for dr in range(1, rowspan):
                        lower = below[r + dr]
                        for dc in range(colspan):
                            if c + dc not in lower:
                                lower[c + dc] = _cell("", where, True, origin)
                cell = cell.next
            if taken:  # spans from above that reach past the row's own cells
                for c in range(len(row), max(taken) + 1):
                    row.append(taken.get(c) or _cell("", table_cell(table_no, r + 1, c + 1)))
            if len(row) > width:
                width = len(row)
            grid_rows.append(row)
        for r in range(n):
            row = grid_rows[r]
            for c in range(len(row), width):
                row.append(_cell("", table_cell(table_no, r + 1, c + 1)))
        return Grid(grid_rows, Where(table=table_no), exact=True)


def walk(_Element body):
    """The report's blocks in reading order, and whether the report is the whole body
    (``html.python_walk``, compiled)."""
    cdef _Walk w = _Walk()
    cdef tree.xmlNode* root = w.report_root(body._c_node)
    w.walk(root)
    return w.blocks, root == body._c_node
