/* Unit tests for fcgi/core/mfa.c: the RFC 6238 vectors, the verification
 * window and replay refusal, agreement with the oathtool binary, base32
 * (RFC 4648), the otpauth URI, recovery codes and the QR path.
 * oathtool is required; zbarimg, if present, also decodes the QR code. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "mfa.h"
#include "tap.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the ASCII "1234567890" twice. */
static const unsigned char rfc_key[20] = "12345678901234567890";
#define RFC_KEY_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void code_at(const unsigned char *key, size_t len, long long step, char out[7])
{
	if (mfa_totp_code(key, len, (time_t)(step * 30), 6, out, 7) != 0)
		strcpy(out, "?");
}

/* Runs cmd through the shell: its first output line, without the newline,
 * and its exit status (-1 if it could not run or was killed). */
static int run_line(const char *cmd, char *out, size_t outsz)
{
	FILE *p = popen(cmd, "r");
	int st;

	out[0] = '\0';
	if (p == NULL)
		return -1;
	if (fgets(out, (int)outsz, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------------ */

static void test_rfc_vectors(void)
{
	static const struct {
		long long t;
		const char *code;
	} v[] = {
		{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
	};
	char out[9], name[40];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (mfa_totp_code(rfc_key, sizeof rfc_key, (time_t)v[i].t, 8, out, sizeof out) != 0)
			strcpy(out, "(failed)");
		snprintf(name, sizeof name, "8 digits at t=%lld", v[i].t);
		is_str(out, v[i].code, name);
	}
	if (mfa_totp_code(rfc_key, sizeof rfc_key, 59, 6, out, sizeof out) != 0)
		strcpy(out, "(failed)");
	is_str(out, "287082", "6 digits at t=59: the RFC code's last six");
	ok(mfa_totp_code(rfc_key, sizeof rfc_key, 59, 5, out, sizeof out) != 0, "5 digits refused");
	ok(mfa_totp_code(rfc_key, sizeof rfc_key, 59, 9, out, sizeof out) != 0, "9 digits refused");
	ok(mfa_totp_code(rfc_key, sizeof rfc_key, 59, 8, out, 8) != 0,
	   "8 digits into 8 bytes refused (no room for the NUL)");
	ok(mfa_totp_code(NULL, 20, 59, 6, out, sizeof out) != 0, "NULL key refused");
	ok(mfa_totp_code(rfc_key, sizeof rfc_key, -1, 6, out, sizeof out) != 0,
	   "negative time refused");
}

static void test_verify(void)
{
	const time_t now = 1111111111;
	const long long s = (long long)now / 30;
	char c[5][7], spaced[12];
	long long m;
	int rc;

	for (int d = -2; d <= 2; d++)
		code_at(rfc_key, sizeof rfc_key, s + d, c[d + 2]);
	/* The refusals below only mean something if the codes differ. */
	ok(strcmp(c[0], c[1]) && strcmp(c[0], c[2]) && strcmp(c[0], c[3]) && strcmp(c[4], c[1]) &&
		   strcmp(c[4], c[2]) && strcmp(c[4], c[3]),
	   "codes at +/-2 steps differ from those in the window");

	for (int d = -1; d <= 1; d++) {
		m = -7;
		rc = mfa_totp_verify(rfc_key, sizeof rfc_key, c[d + 2], now, -1, &m);
		ok(rc == MFA_OK && m == s + d, "code of step %+d accepted, matched_step %+lld", d,
		   m - s);
	}
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[0], now, -1, &m), MFA_BAD,
	       "code of step -2 refused");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[4], now, -1, &m), MFA_BAD,
	       "code of step +2 refused");

	/* Replay: the step just accepted is stored as last_step. */
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[2], now, s, &m), MFA_REPLAY,
	       "same code again: MFA_REPLAY");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[1], now, s, &m), MFA_REPLAY,
	       "an older step's code after it: MFA_REPLAY");
	m = -7;
	rc = mfa_totp_verify(rfc_key, sizeof rfc_key, c[3], now + 30, s, &m);
	ok(rc == MFA_OK && m == s + 1, "the next step's code accepted after it");
	m = -7;
	rc = mfa_totp_verify(rfc_key, sizeof rfc_key, c[2], now, s - 1, &m);
	ok(rc == MFA_OK && m == s, "code accepted when only the step before was used");

	snprintf(spaced, sizeof spaced, "%.3s %.3s", c[2], c[2] + 3);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, spaced, now, -1, &m), MFA_OK,
	       "\"123 456\" form accepted");
	snprintf(spaced, sizeof spaced, "  %s ", c[2]);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, spaced, now, -1, &m), MFA_OK,
	       "surrounding spaces ignored");

	/* Near the epoch the step before does not exist. */
	code_at(rfc_key, sizeof rfc_key, 0, c[0]);
	m = -7;
	rc = mfa_totp_verify(rfc_key, sizeof rfc_key, c[0], 10, -1, &m);
	ok(rc == MFA_OK && m == 0, "step 0 accepted at t=10");

	is_int(mfa_totp_verify(NULL, 20, c[2], now, -1, &m), MFA_ERR, "NULL key: MFA_ERR");
	is_int(mfa_totp_verify(rfc_key, 0, c[2], now, -1, &m), MFA_ERR, "empty key: MFA_ERR");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[2], -5, -1, &m), MFA_ERR,
	       "negative time: MFA_ERR");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, c[2], now, -1, NULL), MFA_OK,
	       "matched_step may be NULL");
}

/* Each malformed form is built from the right code, so a check that only
 * compares a prefix, or reads digits loosely, would accept it. */
static void test_malformed(void)
{
	const time_t now = 1234567890;
	char good[7], bad[40];
	size_t o = 0;
	long long m = -7;

	code_at(rfc_key, sizeof rfc_key, (long long)now / 30, good);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, good, now, -1, &m), MFA_OK,
	       "the code itself is accepted");
	m = -7;
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, "", now, -1, &m), MFA_BAD, "\"\"");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, NULL, now, -1, &m), MFA_BAD, "NULL");
	snprintf(bad, sizeof bad, "%.5s", good);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "5 digits (the code's first five)");
	snprintf(bad, sizeof bad, "%s0", good);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "7 digits (the code and one more)");
	snprintf(bad, sizeof bad, "%s", good);
	bad[2] = 'a';
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "a letter in place of a digit");
	snprintf(bad, sizeof bad, "%s", good);
	bad[5] = (char)('0' + (bad[5] - '0' + 1) % 10);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "the last digit changed");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, "12a456", now, -1, &m), MFA_BAD,
	       "\"12a456\"");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, "12345", now, -1, &m), MFA_BAD,
	       "\"12345\"");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, "1234567", now, -1, &m), MFA_BAD,
	       "\"1234567\"");
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key,
			       "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", now, -1, &m),
	       MFA_BAD, "Arabic-Indic digits 123456");
	/* The right code in Arabic-Indic digits (U+0660 + d). */
	for (int i = 0; i < 6; i++) {
		bad[o++] = '\xd9';
		bad[o++] = (char)(0xa0 + (good[i] - '0'));
	}
	bad[o] = '\0';
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "the right code in Arabic-Indic digits");
	snprintf(bad, sizeof bad, "%s\n", good);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD,
	       "a trailing newline (only spaces are ignored)");
	snprintf(bad, sizeof bad, "+%.5s", good);
	is_int(mfa_totp_verify(rfc_key, sizeof rfc_key, bad, now, -1, &m), MFA_BAD, "a sign");
	is_int(m, -7, "matched_step untouched by refusals");
}

/* oathtool is the reference implementation the apps agree with. */
static void test_oathtool(void)
{
	static const long long times[] = {59, 1111111109, 1700000000, 2000000000, 4102444800LL};
	unsigned char key[MFA_KEY_BYTES];
	char b32[MFA_B32_LEN + 1], cmd[200], line[100], mine[7];
	long long m;
	int st;

	mfa_key_new(key);
	if (mfa_key_base32(key, sizeof key, b32, sizeof b32) != 0)
		strcpy(b32, "X");
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		long long t = times[i];
		snprintf(cmd, sizeof cmd, "oathtool --totp -b -N @%lld %s 2>&1", t, b32);
		st = run_line(cmd, line, sizeof line);
		if (!ok(st == 0 && strlen(line) == 6, "oathtool ran at t=%lld", t)) {
			diag("  exit %d: %s", st, line);
			diag("  oathtool is required for this test (Debian package "
			     "oathtool)");
		}
		m = -7;
		ok(mfa_totp_verify(key, sizeof key, line, (time_t)t, -1, &m) == MFA_OK &&
			   m == t / 30,
		   "oathtool's code accepted at t=%lld", t);
		code_at(key, sizeof key, t / 30, mine);
		is_str(mine, line, "mfa_totp_code agrees with oathtool");
	}
	/* And the other way: oathtool accepts ours (it prints the offset). */
	code_at(key, sizeof key, 1700000000 / 30, mine);
	snprintf(cmd, sizeof cmd, "oathtool --totp -b -N @1700000000 %s %s 2>&1", b32, mine);
	st = run_line(cmd, line, sizeof line);
	ok(st == 0 && strcmp(line, "0") == 0, "oathtool validates our code");
	sodium_memzero(key, sizeof key);
}

static void test_base32(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"", ""},
		{"f", "MY"},
		{"fo", "MZXQ"},
		{"foo", "MZXW6"},
		{"foob", "MZXW6YQ"},
		{"fooba", "MZXW6YTB"},
		{"foobar", "MZXW6YTBOI"},
	};
	unsigned char k1[MFA_KEY_BYTES], k2[MFA_KEY_BYTES], zero[MFA_KEY_BYTES] = {0};
	char out[64], grouped[MFA_B32_GROUPED_LEN + 1], name[40];
	char *dec = NULL;
	size_t declen = 0;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (mfa_key_base32((const unsigned char *)v[i].in, strlen(v[i].in), out,
				   sizeof out) != 0)
			strcpy(out, "(failed)");
		snprintf(name, sizeof name, "base32 of \"%s\"", v[i].in);
		is_str(out, v[i].out, name);
	}
	ok(mfa_key_base32((const unsigned char *)"foobar", 6, out, 10) != 0,
	   "10 characters into 10 bytes refused");
	ok(mfa_key_base32((const unsigned char *)"foobar", 6, out, 11) == 0,
	   "10 characters into 11 bytes fit");
	ok(mfa_key_base32(rfc_key, sizeof rfc_key, out, sizeof out) == 0 &&
		   strlen(out) == MFA_B32_LEN,
	   "a key is MFA_B32_LEN characters");
	is_str(out, RFC_KEY_B32, "RFC 6238 key");
	ok(mfa_b32_group(out, grouped, sizeof grouped) == 0 &&
		   strlen(grouped) == MFA_B32_GROUPED_LEN,
	   "grouped key is MFA_B32_GROUPED_LEN characters");
	is_str(grouped, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", "grouped in fours");
	ok(mfa_b32_group(out, grouped, MFA_B32_GROUPED_LEN) != 0, "grouping: too small refused");
	ok(mfa_b32_group("MZXW6", out, sizeof out) == 0 && strcmp(out, "MZXW 6") == 0,
	   "grouping: a short last group");
	ok(mfa_b32_group("", out, sizeof out) == 0 && out[0] == '\0', "grouping: empty");

	mfa_key_new(k1);
	mfa_key_new(k2);
	ok(memcmp(k1, k2, sizeof k1) != 0 && memcmp(k1, zero, sizeof k1) != 0,
	   "mfa_key_new: fresh keys differ");
	/* liboath's decoder reads back what we encoded. */
	if (mfa_key_base32(k1, sizeof k1, out, sizeof out) != 0)
		out[0] = '\0';
	ok(oath_base32_decode(out, strlen(out), &dec, &declen) == OATH_OK && declen == sizeof k1 &&
		   memcmp(dec, k1, sizeof k1) == 0,
	   "oath_base32_decode reads a random key back");
	if (dec != NULL)
		sodium_memzero(dec, declen);
	free(dec);
}

static void test_uri(void)
{
	const char *want = "otpauth://totp/Acme%20%26%20Co:a%2Bb%40x.test?secret=" RFC_KEY_B32
			   "&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30";
	char out[300];
	size_t n = strlen(want), zeros = 0;

	if (mfa_otpauth_uri("Acme & Co", "a+b@x.test", rfc_key, sizeof rfc_key, out, sizeof out) !=
	    0)
		strcpy(out, "(failed)");
	is_str(out, want, "issuer and account escaped");
	ok(mfa_otpauth_uri("Acme & Co", "a+b@x.test", rfc_key, sizeof rfc_key, out, n + 1) == 0,
	   "exact size fits");
	memset(out, 'x', sizeof out);
	ok(mfa_otpauth_uri("Acme & Co", "a+b@x.test", rfc_key, sizeof rfc_key, out, n) != 0,
	   "one byte short refused");
	for (size_t i = 0; i < n; i++)
		zeros += out[i] == '\0';
	is_int(zeros, n, "a refused URI is wiped (it held part of the secret)");
	ok(mfa_otpauth_uri("Acme", "a@x.test", rfc_key, sizeof rfc_key, out, 40) != 0 &&
		   out[0] == '\0',
	   "cut inside the secret refused and wiped");

	if (mfa_otpauth_uri(NULL, "a:b", rfc_key, sizeof rfc_key, out, sizeof out) != 0)
		strcpy(out, "(failed)");
	is_str(out, "otpauth://totp/a%3Ab?secret=" RFC_KEY_B32 "&algorithm=SHA1&digits=6&period=30",
	       "no issuer; ':' in the account escaped");
	if (mfa_otpauth_uri("Zo\xc3\xab-1._~", "u", rfc_key, sizeof rfc_key, out, sizeof out) != 0)
		strcpy(out, "(failed)");
	is_str(out,
	       "otpauth://totp/Zo%C3%AB-1._~:u?secret=" RFC_KEY_B32
	       "&issuer=Zo%C3%AB-1._~&algorithm=SHA1&digits=6&period=30",
	       "UTF-8 escaped byte by byte, unreserved kept");
	ok(mfa_otpauth_uri("I", NULL, rfc_key, sizeof rfc_key, out, sizeof out) != 0,
	   "NULL account refused");
	ok(mfa_otpauth_uri("I", "a", NULL, 20, out, sizeof out) != 0, "NULL key refused");
}

static void test_recovery(void)
{
	static const char alpha[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	unsigned char master[32], master2[32], kkey[crypto_generichash_KEYBYTES];
	unsigned char h1[32], h2[32], h3[32], want[32];
	char codes[MFA_RECOVERY_COUNT][MFA_RECOVERY_LEN + 1];
	int seen[256] = {0}, fmt = 1, distinct = 1, all = 1, others = 0;

	memset(master, 0x42, sizeof master);
	memset(master2, 0x43, sizeof master2);
	ok(mfa_recovery_hash("7KQ4M-ZX9PA", h1) != 0, "hash refused before mfa_init");
	ok(mfa_init(master, 15) != 0, "mfa_init: 15-byte master refused");
	ok(mfa_init(master, 65) != 0, "mfa_init: 65-byte master refused");
	ok(mfa_init(NULL, 32) != 0, "mfa_init: NULL refused");
	ok(mfa_init(master, sizeof master) == 0, "mfa_init: 32-byte master");

	mfa_recovery_new(codes);
	for (int i = 0; i < MFA_RECOVERY_COUNT; i++) {
		const char *c = codes[i];
		if (strlen(c) != MFA_RECOVERY_LEN || c[5] != '-')
			fmt = 0;
		for (int j = 0; j < MFA_RECOVERY_LEN; j++)
			if (j != 5 && (c[j] == '\0' || strchr(alpha, c[j]) == NULL))
				fmt = 0;
		for (int j = 0; j < i; j++)
			if (strcmp(codes[j], c) == 0)
				distinct = 0;
	}
	if (!ok(fmt, "codes are XXXXX-XXXXX from the alphabet"))
		diag("  e.g. %s", codes[0]);
	ok(distinct, "%d distinct codes", MFA_RECOVERY_COUNT);
	/* 200 sets, 20000 symbols: every symbol shows up, nothing else does. */
	for (int k = 0; k < 200; k++) {
		mfa_recovery_new(codes);
		for (int i = 0; i < MFA_RECOVERY_COUNT; i++)
			for (int j = 0; j < MFA_RECOVERY_LEN; j++)
				if (j != 5)
					seen[(unsigned char)codes[i][j]]++;
	}
	for (int c = 0; c < 256; c++) {
		int in = c != 0 && strchr(alpha, c) != NULL;
		if (in && seen[c] == 0)
			all = 0;
		if (!in && seen[c] != 0)
			others++;
	}
	ok(all && others == 0, "all 31 symbols used, no 0 O 1 I L or others");
	ok(mfa_recovery_hash(codes[0], h1) == 0, "hash of a fresh code");

	ok(mfa_recovery_hash("7KQ4M-ZX9PA", h1) == 0 && mfa_recovery_hash("7kq4mzx9pa", h2) == 0 &&
		   mfa_recovery_hash(" 7kq4m - ZX9pa ", h3) == 0,
	   "hash of three spellings");
	ok(memcmp(h1, h2, 32) == 0 && memcmp(h1, h3, 32) == 0,
	   "case, dashes and spaces do not change the hash");
	/* Stored hashes must survive upgrades: pin the derivation. */
	crypto_generichash(kkey, sizeof kkey, (const unsigned char *)"gatehouse-mfa-recovery", 22,
			   master, sizeof master);
	crypto_generichash(want, sizeof want, (const unsigned char *)"7KQ4MZX9PA", 10, kkey,
			   sizeof kkey);
	ok(memcmp(h1, want, 32) == 0, "hash is BLAKE2b keyed by the derived key");
	ok(mfa_recovery_hash("7KQ4M-ZX9PB", h2) == 0 && memcmp(h1, h2, 32) != 0,
	   "one symbol changed: another hash");
	ok(mfa_recovery_hash("7KQ4M-ZX9P", h2) != 0, "9 symbols refused");
	ok(mfa_recovery_hash("7KQ4M-ZX9PAB", h2) != 0, "11 symbols refused");
	ok(mfa_recovery_hash("7KQ4M-ZX9PO", h2) != 0 && mfa_recovery_hash("7KQ4M-ZX9P0", h2) != 0 &&
		   mfa_recovery_hash("7KQ4M-ZX9PI", h2) != 0 &&
		   mfa_recovery_hash("7KQ4M-ZX9Pl", h2) != 0,
	   "O, 0, I, l refused");
	ok(mfa_recovery_hash("", h2) != 0 && mfa_recovery_hash(NULL, h2) != 0,
	   "empty and NULL refused");

	ok(mfa_init(master2, sizeof master2) == 0 && mfa_recovery_hash("7KQ4M-ZX9PA", h2) == 0 &&
		   memcmp(h1, h2, 32) != 0,
	   "another master key: another hash");
	mfa_free();
	ok(mfa_recovery_hash("7KQ4M-ZX9PA", h2) != 0, "hash refused after mfa_free");
	mfa_free();
	ok(mfa_init(master, sizeof master) == 0 && mfa_recovery_hash("7KQ4M-ZX9PA", h2) == 0 &&
		   memcmp(h1, h2, 32) == 0,
	   "after mfa_free twice, mfa_init again: the first master's hash");
	mfa_free();
	sodium_memzero(kkey, sizeof kkey);
}

/* Writes the symbol as a PGM (4 px a module, 4-module quiet zone) for
 * zbarimg; 0 on success. */
static int write_pgm(const char *file, const QRcode *qr)
{
	const int sc = 4, q = 4, px = (qr->width + 2 * q) * sc;
	FILE *f = fopen(file, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	fprintf(f, "P5\n%d %d\n255\n", px, px);
	for (int y = 0; y < px; y++)
		for (int x = 0; x < px; x++) {
			int mx = x / sc - q, my = y / sc - q, dark = 0;
			if (mx >= 0 && my >= 0 && mx < qr->width && my < qr->width)
				dark = qr->data[my * qr->width + mx] & 1;
			fputc(dark ? 0 : 255, f);
		}
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static void test_qr(void)
{
	unsigned char key[MFA_KEY_BYTES];
	char text[300], line[300], cmd[400], file[] = "/tmp/test_mfa_qr_XXXXXX";
	char *path = NULL, *big = NULL;
	unsigned char *grid = NULL;
	QRcode *qr = NULL;
	int size = -1, bad = 0, overlap = 0, fd;
	long dark = 0, marked = 0, differ = 0;

	mfa_key_new(key);
	if (mfa_otpauth_uri("Gatehouse", "someone@example.test", key, sizeof key, text,
			    sizeof text) != 0)
		strcpy(text, "(failed)");
	ok(mfa_qr_path(text, &path, &size) == 0 && path != NULL && path[0] == 'M',
	   "mfa_qr_path gives a path");
	ok(size >= 21 && size <= 177 && (size - 21) % 4 == 0, "size %d is a version's size", size);
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!ok(qr != NULL && qr->width == size, "size matches libqrencode's symbol") ||
	    path == NULL)
		goto out;
	for (int i = 0; i < size * size; i++)
		dark += qr->data[i] & 1;

	/* Draw the path back onto a grid: every command one run. */
	grid = calloc((size_t)size * (size_t)size, 1);
	for (const char *p = path; grid != NULL && *p != '\0';) {
		int x, y, r, r2, n = 0;
		if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &r, &r2, &n) != 4 || n == 0 ||
		    r != r2 || x < 0 || y < 0 || r < 1 || x + r > size || y >= size) {
			bad = 1;
			diag("  unparsed: %.40s", p);
			break;
		}
		for (int i = 0; i < r; i++) {
			overlap += grid[y * size + x + i];
			grid[y * size + x + i] = 1;
			marked++;
		}
		p += n;
	}
	ok(grid != NULL && !bad && overlap == 0, "path parses back as runs inside the symbol");
	if (!ok(marked == dark && dark > 0, "the path covers as many modules as are dark"))
		diag("  path %ld, symbol %ld", marked, dark);
	for (int i = 0; grid != NULL && i < size * size; i++)
		differ += grid[i] != (qr->data[i] & 1);
	ok(grid != NULL && differ == 0, "the path draws exactly the dark modules");

	if (system("command -v zbarimg >/dev/null 2>&1") == 0) {
		if ((fd = mkstemp(file)) >= 0)
			close(fd);
		snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>&1", file);
		ok(fd >= 0 && write_pgm(file, qr) == 0 && run_line(cmd, line, sizeof line) == 0 &&
			   strcmp(line, text) == 0,
		   "zbarimg decodes the symbol to the URI");
		if (fd >= 0)
			unlink(file);
	} else {
		diag("zbarimg not installed: the symbol is not decoded");
	}
	free(path);
	path = NULL;

	ok(mfa_qr_path(NULL, &path, &size) != 0 && path == NULL && size == 0,
	   "NULL text refused, outputs cleared");
	ok(mfa_qr_path(text, NULL, &size) != 0, "NULL path pointer refused");
	/* 8-bit mode at level M holds 2331 bytes at most. */
	if ((big = malloc(4001)) != NULL) {
		memset(big, 'a', 4000);
		big[4000] = '\0';
	}
	ok(big != NULL && mfa_qr_path(big, &path, &size) != 0 && path == NULL,
	   "text too long for any version refused");
out:
	free(big);
	free(grid);
	free(path);
	if (qr != NULL)
		QRcode_free(qr);
	sodium_memzero(key, sizeof key);
}

int main(void)
{
	if (sodium_init() < 0 || oath_init() != OATH_OK) {
		printf("Bail out! sodium_init or oath_init failed\n");
		return 1;
	}
	test_rfc_vectors();
	test_verify();
	test_malformed();
	test_oathtool();
	test_base32();
	test_uri();
	test_recovery();
	test_qr();
	oath_done();
	return done_testing();
}
