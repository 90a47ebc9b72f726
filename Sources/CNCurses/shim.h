// ncursesw for Swift. Swift 6 cannot touch ncurses' mutable globals (stdscr, LINES,
// COLS) or its attribute macros, so these prefixed inline accessors stand in for them.
#ifndef APOGEE_CNCURSES_SHIM_H
#define APOGEE_CNCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <pty.h>
#include <sys/ioctl.h>

static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_LINES(void) { return LINES; }
static inline int cnc_COLS(void) { return COLS; }
static inline int cnc_COLORS(void) { return COLORS; }
static inline int cnc_COLOR_PAIR(int n) { return COLOR_PAIR(n); }
static inline attr_t cnc_A_BOLD(void) { return A_BOLD; }
static inline attr_t cnc_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t cnc_A_DIM(void) { return A_DIM; }
static inline attr_t cnc_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline void cnc_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline int cnc_KEY_RESIZE(void) { return KEY_RESIZE; }

/// Draws one wide character with attributes and a colour pair at (y, x).
static inline int cnc_mvaddwch(int y, int x, wchar_t ch, attr_t attr, short pair) {
    cchar_t cell;
    wchar_t text[2] = { ch, 0 };
    setcchar(&cell, text, attr, pair, NULL);
    return mvadd_wch(y, x, &cell);
}

/// Opens a pseudo-terminal of the given size so a screen can run headless in tests.
static inline int cnc_openpty(int rows, int cols, int *master, int *slave) {
    struct winsize size = { (unsigned short)rows, (unsigned short)cols, 0, 0 };
    return openpty(master, slave, NULL, NULL, &size);
}

#endif
