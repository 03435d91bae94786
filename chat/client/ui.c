/* Terminal (readline callback interface) and pipe input/output. */
#include "ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "command.h"
#include "format.h"

/* Lines kept for the up arrow. */
#define UI_HISTORY_MAX 500

static bool ui_tty;
static bool ui_active;		/* readline handler installed */
/* Inside the line handler readline has already moved to a fresh line
 * and still holds the accepted text: print plainly, restore nothing. */
static bool ui_in_handler;
static ui_line_fn ui_on_line;

/* Pipe mode: bytes of the line being read; a line that overflows is
 * dropped up to its newline rather than cut. */
static char pipe_buf[CMD_INPUT_MAX + 2];
static size_t pipe_len;
static bool pipe_overflow;

void ui_init(bool tty, ui_line_fn on_line)
{
	ui_tty = tty;
	ui_on_line = on_line;
	if (!tty) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return;
	}
	/* Our own handlers deal with SIGINT so that we can send QUIT. */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	using_history();
	stifle_history(UI_HISTORY_MAX);
}

bool ui_is_tty(void)
{
	return ui_tty;
}

void ui_show(const char *text)
{
	char stamp[FORMAT_STAMP_MAX];
	char *saved = NULL;
	int point = 0;

	bool redraw = ui_active && !ui_in_handler;

	format_stamp(time(NULL), stamp, sizeof(stamp));
	if (redraw) {
		point = rl_point;
		saved = rl_copy_text(0, rl_end);
		rl_save_prompt();
		rl_replace_line("", 0);
		rl_redisplay();
	}
	printf("%s%s\n", stamp, text);
	fflush(stdout);
	if (redraw) {
		rl_restore_prompt();
		rl_replace_line(saved ? saved : "", 0);
		rl_point = point;
		rl_redisplay();
		free(saved);
	}
}

static void on_readline(char *line)
{
	if (line && *line)
		add_history(line);
	if (!line)
		printf("\n");
	ui_in_handler = true;
	ui_on_line(line);
	ui_in_handler = false;
	free(line);
}

void ui_start_input(const char *prompt)
{
	if (!ui_tty || ui_active)
		return;
	rl_callback_handler_install(prompt, on_readline);
	ui_active = true;
}

void ui_set_prompt(const char *prompt)
{
	if (!ui_active)
		return;
	rl_set_prompt(prompt);
	rl_redisplay();
}

static void pipe_deliver(char *line)
{
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	if (pipe_overflow)
		ui_show("*** input line too long, dropped");
	else
		ui_on_line(line);
	pipe_overflow = false;
}

/* Hand over every complete line in pipe_buf. */
static void pipe_split(void)
{
	char *start = pipe_buf, *nl;
	size_t left = pipe_len;

	while ((nl = memchr(start, '\n', left))) {
		*nl = '\0';
		pipe_deliver(start);
		left -= (size_t)(nl + 1 - start);
		start = nl + 1;
	}
	memmove(pipe_buf, start, left);
	pipe_len = left;
	if (pipe_len == sizeof(pipe_buf) - 1) {
		pipe_overflow = true;
		pipe_len = 0;
	}
}

static bool pipe_read(void)
{
	ssize_t n;

	n = read(STDIN_FILENO, pipe_buf + pipe_len,
		 sizeof(pipe_buf) - 1 - pipe_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (pipe_len) {
			pipe_buf[pipe_len] = '\0';
			pipe_len = 0;
			pipe_deliver(pipe_buf);
		}
		ui_on_line(NULL);
		return false;
	}
	pipe_len += (size_t)n;
	pipe_split();
	return true;
}

bool ui_read(void)
{
	if (!ui_tty)
		return pipe_read();
	rl_callback_read_char();
	return true;
}

void ui_resize(void)
{
	if (ui_active)
		rl_resize_terminal();
}

void ui_finish(void)
{
	if (!ui_active)
		return;
	rl_callback_handler_remove();
	ui_active = false;
}
