// Written by scripts/bundle-assets.py from themes/ and keymaps/: do not edit by hand.

/// The checkout's themes and keymaps, built in: the last place `Assets` looks.
public enum BundledAssets {
    public static let themes: [String: String] = [
        "dark": #"""
# Dark theme: for a dark terminal background.
[colors]
text = "white"
muted = "bright-black"
title = "bright-cyan"
border = "bright-black"
bid = "bright-green"
ask = "bright-red"
profit = "green"
loss = "red"
own_order = "bright-yellow"
warning = "yellow"
highlight = "bright-cyan"
header = "cyan"
background = "default"

"""#,
        "high-contrast": #"""
# High contrast: pure colours on black.
[colors]
text = "#ffffff"
muted = "#c0c0c0"
title = "#ffff00"
border = "#ffffff"
bid = "#00ff00"
ask = "#ff3030"
profit = "#00ff00"
loss = "#ff3030"
own_order = "#00ffff"
warning = "#ffff00"
highlight = "#ffffff"
header = "#ffff00"
background = "black"

"""#,
        "light": #"""
# Light theme: for a light terminal background.
[colors]
text = "black"
muted = "244"
title = "blue"
border = "245"
bid = "22"
ask = "124"
profit = "28"
loss = "160"
own_order = "130"
warning = "166"
highlight = "blue"
header = "blue"
background = "default"

"""#,
        "mono": #"""
# Monochrome: no colours; roles differ by bold, dim, underline and reverse.
[colors]
background = "default"

[options]
monochrome = true

"""#,
    ]
    public static let keymaps: [String: String] = [
        "default": #"""
# MoonBot-like hotkeys. Keys: a character, space, enter, esc, tab, up, down, left,
# right, pgup, pgdn, f1-f12, ctrl-x. Actions: see `?` in the terminal.
[keys]
b = "buy"
s = "sell"
c = "cancel-all"
p = "panic-sell"
"." = "next-market"
"," = "previous-market"
right = "next-market"
left = "previous-market"
tab = "next-strategy"
t = "toggle-strategy"
space = "pause"
"+" = "speed-up"
"-" = "speed-down"
n = "step"
N = "step-second"
m = "jump-minute"
f = "jump-fill"
e = "jump-event"
o = "sort-markets"
v = "chart-mode"
r = "restart"
"?" = "help"
f1 = "help"
":" = "command"
K = "kill-switch"
q = "quit"
"1" = "size-1"
"2" = "size-2"
"3" = "size-3"
"4" = "size-4"

"""#,
        "vim": #"""
# Vim-flavoured hotkeys. Buying and selling take a capital (B, S): a vim hand types
# i and a by reflex, and a reflex must never send an order.
[keys]
B = "buy"
S = "sell"
x = "cancel-all"
D = "panic-sell"
l = "next-market"
h = "previous-market"
j = "next-strategy"
k = "toggle-strategy"
space = "pause"
L = "speed-up"
H = "speed-down"
n = "step"
N = "step-second"
w = "jump-minute"
f = "jump-fill"
e = "jump-event"
o = "sort-markets"
v = "chart-mode"
g = "restart"
"?" = "help"
":" = "command"
K = "kill-switch"
q = "quit"
"1" = "size-1"
"2" = "size-2"
"3" = "size-3"
"4" = "size-4"

"""#,
    ]
}
