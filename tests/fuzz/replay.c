/* Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so
 * the corpus runs on every `make check` with any compiler.  Arguments are
 * files or directories (whose regular files are replayed); one TAP test per
 * file, run in a child process: the test passes when the target returns and
 * the child exits 0, and fails (naming the input and how the child ended)
 * when an invariant aborts, the target crashes or a sanitizer reports. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		ok(0, "%s: %s", path, strerror(errno));
		return;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb;
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				ok(0, "%s: out of memory", path);
				free(buf);
				fclose(f);
				return;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		ok(0, "%s: read error", path);
		free(buf);
		fclose(f);
		return;
	}
	fclose(f);
	/* An exactly-sized copy, so that over-reads are visible to ASan and
	 * valgrind, as with libFuzzer's own buffers. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL) {
		ok(0, "%s: out of memory", path);
		free(buf);
		return;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	/* In a child: a broken invariant (the target aborts), a crash or a
	 * sanitizer report ends it non-zero, and that input's test fails while
	 * the others still run. */
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		LLVMFuzzerTestOneInput(exact, len);
		_exit(0);
	}
	int st = 0;
	int waited = pid > 0 && waitpid(pid, &st, 0) == pid;
	free(exact);
	if (!ok(waited && WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s (%zu bytes)", path, len)) {
		if (!waited)
			diag("could not run it: %s", strerror(errno));
		else if (WIFSIGNALED(st))
			diag("the target died of signal %d", WTERMSIG(st));
		else
			diag("the target exited %d", WEXITSTATUS(st));
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL) {
		ok(0, "%s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
			if (nn == NULL)
				break;
			names = nn;
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(l)) == NULL)
			break;
		snprintf(names[n++], l, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		ok(0, "usage: %s FILE|DIR... (no inputs given)", argv[0]);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	return done_testing();
}
