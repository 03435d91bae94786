/* The user's side of the client: a readline prompt on a terminal, or
 * plain lines on pipes so that scripts can drive it. */
#ifndef CCHAT_UI_H
#define CCHAT_UI_H

#include <stdbool.h>

/* Called with each complete input line (without newline); NULL means
 * end of input (Ctrl-D on the terminal, EOF on a pipe). */
typedef void (*ui_line_fn)(const char *line);

/* tty: use readline.  Nothing is read until ui_start_input(). */
void ui_init(bool tty, ui_line_fn on_line);
bool ui_is_tty(void);
/* Print one line with a timestamp, without disturbing a half-typed
 * input line on the terminal. */
void ui_show(const char *text);
/* Begin taking input; prompt is used on a terminal only. */
void ui_start_input(const char *prompt);
void ui_set_prompt(const char *prompt);
/* stdin is readable: feed readline or split into lines.  Returns false
 * once the input has ended. */
bool ui_read(void);
/* The terminal changed size. */
void ui_resize(void);
/* Restore the terminal. */
void ui_finish(void);

#endif
