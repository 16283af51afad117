/*
 * The HTML report: the design note's Markdown parts rendered by cmark-gfm
 * with the table extension, wrapped in a self-contained page (inline CSS
 * for screen and print), with the model's charts drawn as inline SVG
 * between them.  Raw HTML is never passed through from the Markdown
 * (CMARK_OPT_DEFAULT), so text from a profile cannot inject markup; the
 * SVG is written here, from the chart series, never found in cmark's
 * output.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "buf.h"
#include "report-internal.h"
#include "xalloc.h"

static const char css[] =
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;"
	"margin:2rem auto;padding:0 1rem;color:#1f2328}"
	"h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3em;"
	"margin-top:2em}table{border-collapse:collapse;margin:1em 0;font-size:13px}"
	"th,td{border:1px solid #d0d7de;padding:4px 8px}th{background:#f6f8fa}"
	"tr:nth-child(2n){background:#f6f8fa}td:nth-child(n+3){font-variant-numeric:tabular-nums}"
	"code{background:#eff1f3;padding:.1em .3em;border-radius:4px;font-size:90%}"
	"pre{background:#f6f8fa;padding:1em;overflow:auto}pre code{background:none}"
	"figure{margin:1em 0}figcaption{font-size:13px;color:#59636e}"
	"@media print{body{max-width:none;margin:0;font-size:11pt}h2{break-after:avoid}"
	"table,figure{break-inside:avoid}a{color:inherit}}";

static void html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

/*
 * A horizontal bar chart of one of the model's charts, with min-max
 * whiskers.  The model keeps each chart's figures within a hundredfold of
 * each other, so a linear axis shows every bar.
 */
static void svg_chart(struct buf *b, const struct chart *c)
{
	struct buf title = BUF_INIT;
	double max = 0;
	int y = 0;
	const int bar_h = 18, left = 190, width = 420;

	buf_addf(&title, "%s (%s)", c->title, c->unit_words);
	for (size_t i = 0; i < c->nbars; i++)
		max = fmax(max, c->bars[i].max);
	if (!(max > 0))
		max = 1;
	buf_addf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		 "width=\"%d\" height=\"%zu\" font-size=\"12\" font-family=\"sans-serif\">"
		 "<title>", left + width + (c->replay ? 150 : 70), c->nbars * (bar_h + 6) + 10);
	html_escape(b, buf_str(&title));
	buf_adds(b, "</title>");
	for (size_t i = 0; i < c->nbars; i++) {
		const struct chart_bar *r = &c->bars[i];
		double xm = width * r->median / max, x0 = width * r->min / max;
		double x1 = width * r->max / max;

		buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 13);
		html_escape(b, r->name);
		buf_addf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			 "fill=\"%s\"/>", left, y, fmax(xm, 1), bar_h, r->noisy ? "#d4a72c" : "#4c8eda");
		buf_addf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#1f2328\"/>",
			 left + x0, left + x1, y + bar_h / 2, y + bar_h / 2);
		/* Whole numbers from 100 up: "1002", never "1e+03". */
		buf_addf(b, "<text x=\"%.1f\" y=\"%d\">%.*g", left + fmax(xm, x1) + 4, y + 13,
			 r->median >= 100 && r->median < 1e15 ? 15 : 3,
			 r->median >= 100 && r->median < 1e15 ? round(r->median) : r->median);
		if (c->replay && r->p99 > 0)
			buf_addf(b, ", p99 %.3g ms", r->p99);
		buf_adds(b, "</text>");
		y += bar_h + 6;
	}
	buf_adds(b, "</svg><figcaption>");
	html_escape(b, buf_str(&title));
	if (c->replay)
		buf_adds(b, ": the highest rate whose p99 met the budget, and the p99 at 80 % of "
			 "it.</figcaption></figure>\n");
	else
		buf_adds(b, ": bar at the median, line from min to max; amber bars were measured on "
			 "a busy machine.</figcaption></figure>\n");
	buf_release(&title);
}

/*
 * The decision chart: one row per candidate, leanest first, a bar for
 * its cores (or monthly cost) in blue when it may be recommended, grey
 * when the gate keeps it out; the winner's name in bold.  A dashed red
 * line marks the gate; a bar past the axis' end stops there with a break
 * and its value; an infeasible candidate has no bar, only "never meets
 * the target".
 */
static void svg_decision(struct buf *b, const struct decision_chart *dc)
{
	const int bar_h = 18, row = 24, left = 170, width = 460, top = 22;
	double gx = left + width * dc->gate / dc->axis_max;
	int y = top, height = top + (int)dc->nbars * row + 8;

	buf_addf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		 "width=\"%d\" height=\"%d\" font-size=\"12\" font-family=\"sans-serif\">"
		 "<title>", left + width + 150, height);
	html_escape(b, dc->title);
	buf_addf(b, " (%s)</title>", dc->unit);
	for (size_t i = 0; i < dc->nbars; i++, y += row) {
		const struct decision_bar *r = &dc->bars[i];
		double w = width * fmin(r->value, dc->axis_max) / dc->axis_max;

		buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s>", left - 6, y + 13,
			 r->winner ? " font-weight=\"bold\"" : "");
		html_escape(b, r->id);
		buf_adds(b, "</text>");
		if (r->mark == DECISION_INFEASIBLE) {
			buf_addf(b, "<text x=\"%d\" y=\"%d\" fill=\"#59636e\" font-style=\"italic\">"
				 "never meets the target</text>", left + 4, y + 13);
			continue;
		}
		buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
			 left, y, fmax(w, 1), bar_h, r->mark == DECISION_ELIGIBLE ? "#4c8eda" : "#afb8c1");
		if (r->off_scale)	/* a break: two white slashes near the end */
			buf_addf(b, "<path d=\"M%.1f %d l6 %d M%.1f %d l6 %d\" stroke=\"#fff\" "
				 "stroke-width=\"2\"/>", left + w - 20, y + bar_h, -bar_h,
				 left + w - 13, y + bar_h, -bar_h);
		buf_addf(b, "<text x=\"%.1f\" y=\"%d\">%.4g", left + w + 4, y + 13, r->value);
		if (dc->cost)
			buf_addf(b, " per month, %.4g cores", r->cores);
		buf_addf(b, "%s</text>", r->off_scale ? " (off scale)" : "");
	}
	buf_addf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#cf222e\" "
		 "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" fill=\"#cf222e\" "
		 "text-anchor=\"middle\">gate: %g\u00d7 the leanest = %.4g %s</text>",
		 gx, gx, top - 4, height - 4, gx, top - 8, dc->gate_ratio, dc->gate, dc->unit);
	buf_adds(b, "</svg><figcaption>");
	html_escape(b, dc->title);
	buf_addf(b, " (%s), leanest first: blue may be recommended, grey is past the gate "
		 "(dashed line); the winner is in bold.</figcaption></figure>\n", dc->unit);
}

/* Markdown blocks to HTML, with GitHub tables and no raw HTML. */
static void markdown_html(struct buf *out, const char *md)
{
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_node *doc;
	char *html;

	cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension("table"));
	cmark_parser_feed(parser, md, strlen(md));
	doc = cmark_parser_finish(parser);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
	buf_adds(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

char *report_html(const struct advice *a, const struct report_meta *m)
{
	struct report_doc doc;
	struct buf out = BUF_INIT;

	cmark_gfm_core_extensions_ensure_registered();
	report_markdown_doc(a, m, &doc);
	buf_adds(&out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_adds(&out, "Design note: ");
	html_escape(&out, a->p->name);
	buf_addf(&out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	for (size_t i = 0; i < doc.n; i++) {
		if (doc.v[i].chart)
			svg_chart(&out, doc.v[i].chart);
		else if (doc.v[i].decision)
			svg_decision(&out, doc.v[i].decision);
		else
			markdown_html(&out, doc.v[i].text);
	}
	buf_adds(&out, "</body>\n</html>\n");
	report_doc_release(&doc);
	return buf_detach(&out);
}
