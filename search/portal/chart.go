package portal

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/search"
)

// Bar is one bar of a chart: its label, the value it is drawn at, and the
// exact figure shown beside it.
type Bar struct {
	Label string
	Value float64 // drawing only; Text is the exact figure
	Text  string
	Link  string // optional: where the bar leads
}

// BarChart renders horizontal bars as inline SVG: readable without
// JavaScript, with a <title> and <desc>, each bar labelled in text (so a
// screen reader and a printout get the figures, not only the shapes).
func BarChart(title string, bars []Bar) string {
	if len(bars) == 0 {
		return ""
	}
	const width, labelW, textW, rowH = 720, 260, 150, 26
	barW := float64(width - labelW - textW - 10)
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	h := rowH*len(bars) + 8
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`, width, h, chartID(title))
	fmt.Fprintf(&s, `<title id="%s-t">%s</title>`, chartID(title), html.EscapeString(title))
	for i, b := range bars {
		y := 4 + i*rowH
		w := 0.0
		if maxV > 0 {
			w = barW * b.Value / maxV
		}
		if b.Link != "" {
			fmt.Fprintf(&s, `<a href="%s">`, html.EscapeString(b.Link))
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" class="lbl">%s</text>`, labelW-6, y+17, html.EscapeString(truncate(b.Label, 32)))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d" class="bar"><title>%s: %s</title></rect>`, labelW, y+4, max(w, 1), rowH-8, html.EscapeString(b.Label), html.EscapeString(b.Text))
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="val">%s</text>`, float64(labelW)+max(w, 1)+6, y+17, html.EscapeString(b.Text))
		if b.Link != "" {
			s.WriteString(`</a>`)
		}
	}
	s.WriteString(`</svg>`)
	return s.String()
}

// Point is one column of a column chart (a month, say).
type Point struct {
	Label string
	Value float64
	Text  string
}

// ColumnChart renders vertical columns (a time series) as inline SVG with
// a title, the first and last labels on the axis and every figure in the
// columns' tooltips.
func ColumnChart(title string, pts []Point) string {
	if len(pts) == 0 {
		return ""
	}
	const width, height, axis = 640, 180, 22
	maxV := 0.0
	for _, p := range pts {
		maxV = max(maxV, p.Value)
	}
	colW := float64(width) / float64(len(pts))
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`, width, height+axis, chartID(title))
	fmt.Fprintf(&s, `<title id="%s-t">%s</title>`, chartID(title), html.EscapeString(title))
	for i, p := range pts {
		h := 0.0
		if maxV > 0 {
			h = float64(height-4) * p.Value / maxV
		}
		x := float64(i) * colW
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"><title>%s: %s</title></rect>`,
			x+1, float64(height)-max(h, 1), max(colW-2, 1), max(h, 1), html.EscapeString(p.Label), html.EscapeString(p.Text))
	}
	fmt.Fprintf(&s, `<text x="0" y="%d" class="axis">%s</text>`, height+16, html.EscapeString(pts[0].Label))
	if len(pts) > 1 {
		fmt.Fprintf(&s, `<text x="%d" y="%d" class="axis" text-anchor="end">%s</text>`, width, height+16, html.EscapeString(pts[len(pts)-1].Label))
	}
	s.WriteString(`</svg>`)
	return s.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func chartID(title string) string {
	h := uint32(2166136261)
	for _, c := range []byte(title) {
		h = (h ^ uint32(c)) * 16777619
	}
	return fmt.Sprintf("c%08x", h)
}

// monthSeries sorts month-facet buckets ("2006-01") and fills the months
// between them that had nothing with empty buckets, so the columns are a
// time series; it keeps the latest max months.
func monthSeries(buckets []search.Bucket, max int) []search.Bucket {
	byKey := map[string]search.Bucket{}
	var first, last time.Time
	for _, b := range buckets {
		t, err := time.Parse("2006-01", b.Key)
		if err != nil {
			continue
		}
		byKey[b.Key] = b
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if first.IsZero() {
		return nil
	}
	if lim := last.AddDate(0, -(max - 1), 0); first.Before(lim) {
		first = lim
	}
	var out []search.Bucket
	for t := first; !t.After(last); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		b, ok := byKey[k]
		if !ok {
			b = search.Bucket{Key: k}
		}
		out = append(out, b)
	}
	return out
}
