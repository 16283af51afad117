/* Forbidden characters in input text (see text.h). */
#include "text.h"

/* Decode the UTF-8 sequence at s[i]; its length in *n (1 for a bad byte). */
static uint32_t decode(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	unsigned char c = s[i];
	size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
		      : (c & 0xF8) == 0xF0 ? 3 : 0;
	uint32_t cp = need == 0 ? c : need == 1 ? c & 0x1F : need == 2 ? c & 0x0F : c & 0x07;

	*n = 1;
	if (c >= 0x80 && need == 0)
		return 0xFFFD;
	if (i + need >= len)
		return 0xFFFD;
	for (size_t k = 1; k <= need; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	*n = need + 1;
	return cp;
}

static bool forbidden(uint32_t cp, bool allow_breaks)
{
	if (cp == '\t' || cp == '\n')
		return !allow_breaks;
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

long text_find_control(const char *s, size_t len, bool allow_breaks, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;
		uint32_t c = decode(u, len, i, &n);

		if (forbidden(c, allow_breaks)) {
			*cp = c;
			return (long)i;
		}
		i += n;
	}
	return -1;
}

const char *text_control_name(uint32_t cp)
{
	static const char *const c0[] = {
		"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF",
		"VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
		"SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
	};

	if (cp < 0x20)
		return c0[cp];
	if (cp == 0x7F)
		return "DEL";
	if (cp <= 0x9F)
		return "a C1 control character";
	if (cp <= 0x202E)
		return "a bidirectional embedding or override";
	return "a bidirectional isolate";
}
