package api

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

//go:embed assets
var assets embed.FS

var (
	pageCSS = template.CSS(mustAsset("assets/style.css"))
	pageJS  = template.JS(mustAsset("assets/auction.js"))
	pages   = template.Must(template.New("").Funcs(template.FuncMap{
		"t": func(lang, key string, args ...any) string { return tr(lang, key, args...) },
	}).ParseFS(assets, "assets/*.html"))
)

func mustAsset(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// render writes template name; a template error is a 500.
func (s *server) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
		c.String(http.StatusInternalServerError, "Internal server error")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// common is what every page template needs.
type common struct {
	Lang         string
	OtherLang    string
	OtherLangURL string
	Title        string
	CSS          template.CSS
}

func newCommon(c *gin.Context, title string) common {
	lang := langOf(c)
	other := langEN
	if lang == langEN {
		other = langUK
	}
	q := url.Values{}
	if other == langEN {
		q.Set("lang", langEN)
	}
	u := c.Request.URL.Path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return common{Lang: lang, OtherLang: other, OtherLangURL: u, Title: title, CSS: pageCSS}
}

// langQuery is "?lang=en" on English pages, "" on Ukrainian ones.
func langQuery(lang string) string {
	if lang == langEN {
		return "?lang=en"
	}
	return ""
}

// errorPage answers an HTML route with a short page for status.
func (s *server) errorPage(c *gin.Context, status int, back string) {
	cm := newCommon(c, tr(langOf(c), "err.title"))
	key := fmt.Sprintf("err.%d", status)
	if _, ok := dict[langEN][key]; !ok {
		key = "err.500"
	}
	s.render(c, status, "error.html", struct {
		common
		Status  int
		Message string
		Back    string
	}{cm, status, tr(cm.Lang, key), back})
	c.Abort()
}

// pageError answers an HTML route with err's status.
func (s *server) pageError(c *gin.Context, err error, back string) {
	if he, ok := asError(err); ok {
		s.errorPage(c, he.Status, back)
		return
	}
	s.log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	s.errorPage(c, http.StatusInternalServerError, back)
}

// row is one line of the standings table.
type row struct {
	Place  int
	Label  int
	Text   string
	Amount string
	Mine   bool // the logged-in bidder
	Turn   bool // whose turn it is
}

// bidderBox is the logged-in bidder's part of the page.
type bidderBox struct {
	BidID   string
	Label   string
	Price   string
	Limit   string
	MyTurn  bool
	TurnBid string
}

// boot is handed to the page's script: the state it was rendered from and
// the words it needs.
type boot struct {
	Lang   string            `json:"lang"`
	T      map[string]string `json:"t"`
	State  State             `json:"state"`
	Events string            `json:"events"`
	Bids   string            `json:"bids"`
	Grace  int64             `json:"graceMs"`
}

type pageData struct {
	common
	S          State
	Step       string
	CanBid     bool // bidding is not over
	StageText  string
	Whose      string
	EndsAt     string
	EndISO     string
	Countdown  string
	Rows       []row
	Bidder     *bidderBox
	Notice     string
	NoticeErr  bool
	Refresh    int
	RefreshURL string
	BidAction  string
	AuditURL   string // set once the audit is published
	AuditPath  string
	Boot       boot
	JS         template.JS
}

// clock formats t as Kyiv wall time.
func clock(t time.Time) string { return t.In(tender.Kyiv).Format("15:04:05") }

func countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	sec := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%02d:%02d", sec/60, sec%60)
}

// page answers GET /auctions/{id}: the whole state rendered on the server,
// so the page works without JavaScript; the script then keeps it live.
func (s *server) page(c *gin.Context) {
	a, err := s.get(c)
	if err != nil {
		s.pageError(c, err, "")
		return
	}
	bidID, _, ok := s.cookieLogin(c, a.ID)
	if !ok || !bidderOf(a, bidID) {
		bidID = ""
	}
	now := s.svc.Now()
	st := NewState(a, now, bidID)
	lang := langOf(c)
	base := "/auctions/" + url.PathEscape(a.ID)
	d := pageData{common: newCommon(c, a.Title), S: st, StageText: stageText(lang, st),
		Step: money(lang, a.MinimalStep), AuditPath: base + "/audit.json",
		BidAction: base + "/bid" + langQuery(lang), RefreshURL: base + langQuery(lang), JS: pageJS,
		Boot: boot{Lang: lang, T: dict[lang], State: st, Events: base + "/events" + langQuery(lang),
			Bids: "/api/auctions/" + url.PathEscape(a.ID) + "/bids", Grace: a.Grace.Milliseconds()}}
	if st.Stage.Kind == auction.StageTurn {
		d.Whose = tr(lang, "whose", labelText(lang, st.Stage.Label, ""))
	}
	if st.Stage.End != nil {
		key := "stageEnds"
		if st.Stage.Kind == auction.StageScheduled {
			key = "auctionStarts"
		}
		d.EndsAt = tr(lang, key, clock(*st.Stage.End))
		d.EndISO = st.Stage.End.Format(time.RFC3339)
		d.Countdown = countdown(st.Stage.End.Sub(now))
		// without JavaScript the page reloads itself when the stage ends
		d.Refresh = int(st.Stage.End.Add(a.Grace).Sub(now)/time.Second) + 1
		d.Refresh = max(2, min(d.Refresh, 60))
	}
	if finished(a, now) {
		d.AuditURL = d.AuditPath
	}
	switch st.Stage.Kind {
	case auction.StageAnnouncement, auction.StageFinished, auction.StatusCancelled:
	default:
		d.CanBid = true
	}
	for _, r := range st.Standings {
		d.Rows = append(d.Rows, row{Place: r.Place, Label: r.Label, Text: labelText(lang, r.Label, r.Name),
			Amount: money(lang, r.Amount), Mine: st.Bidder != nil && st.Bidder.Label == r.Label,
			Turn: st.Stage.Kind == auction.StageTurn && st.Stage.Label == r.Label})
	}
	if b := st.Bidder; b != nil {
		box := &bidderBox{BidID: b.BidID, Label: labelText(lang, b.Label, ""), Price: money(lang, b.Amount),
			Limit: money(lang, b.Limit), MyTurn: b.MyTurn}
		if b.TurnBid != nil {
			box.TurnBid = tr(lang, "turnBid", money(lang, b.TurnBid.Amount))
		}
		d.Bidder = box
		d.Notice, d.NoticeErr = flash(c, lang, b)
	}
	s.render(c, http.StatusOK, "page.html", d)
}

// flash is the notice after a plain form post redirected back: the query
// carries only a kind or a rule name (and a number), never text to show.
func flash(c *gin.Context, lang string, b *BidderView) (string, bool) {
	if rule := c.Query("refused"); rule != "" {
		return ruleText(lang, rule, money(lang, b.Limit)), true
	}
	switch kind := c.Query("bid"); kind {
	case kindWithdrawn:
		return tr(lang, "bid.withdrawn"), false
	case kindAccepted, kindReplaced:
		amount, err := tender.NewAmount(c.Query("amount"))
		if err != nil {
			return "", false
		}
		return tr(lang, "bid."+kind, money(lang, amount)), false
	}
	return "", false
}

// login answers the participationUrl GET /auctions/{id}/login?bidder_id=&hash=:
// a valid token becomes the auction's login cookie, and the bidder lands on
// the page.
func (s *server) login(c *gin.Context) {
	a, err := s.get(c)
	if err != nil {
		s.pageError(c, err, "")
		return
	}
	bidID, token := c.Query("bidder_id"), c.Query("hash")
	if !bidderOf(a, bidID) || !s.svc.CheckToken(a.ID, bidID, token) {
		s.log.Info("auction login refused", "auction", a.ID, "bid", bidID)
		s.errorPage(c, http.StatusForbidden, "/auctions/"+url.PathEscape(a.ID)+langQuery(langOf(c)))
		return
	}
	s.setLoginCookie(c, a, bidID, token)
	c.Redirect(http.StatusSeeOther, "/auctions/"+url.PathEscape(a.ID)+langQuery(langOf(c)))
}

// formBid answers the page's plain form POST /auctions/{id}/bid (no
// JavaScript): it bids with the login cookie and redirects back to the page
// with the outcome in the query.
func (s *server) formBid(c *gin.Context) {
	a, err := s.get(c)
	if err != nil {
		s.pageError(c, err, "")
		return
	}
	lang := langOf(c)
	back := "/auctions/" + url.PathEscape(a.ID)
	bidID, token, ok := s.cookieLogin(c, a.ID)
	if !ok || !sameOrigin(c) {
		s.errorPage(c, http.StatusForbidden, back+langQuery(lang))
		return
	}
	q := url.Values{}
	if lang == langEN {
		q.Set("lang", langEN)
	}
	withdraw := c.PostForm("action") == "withdraw"
	var amount tender.Amount
	if !withdraw {
		raw := strings.NewReplacer(",", ".", " ", "", "\u00a0", "", "\u202f", "").Replace(c.PostForm("amount"))
		if amount, err = tender.NewAmount(raw); err != nil {
			q.Set("refused", "amount")
			c.Redirect(http.StatusSeeOther, back+"?"+q.Encode())
			return
		}
	}
	b, kind, err := s.place(c, a, bidID, token, amount, withdraw)
	var be *auction.BidError
	switch {
	case errors.As(err, &be):
		q.Set("refused", string(be.Rule))
	case err != nil:
		s.pageError(c, err, back+langQuery(lang))
		return
	default:
		q.Set("bid", kind)
		if !b.Withdraw {
			q.Set("amount", b.Amount.String())
		}
	}
	c.Redirect(http.StatusSeeOther, back+"?"+q.Encode())
}

// listItem is one auction on the list page.
type listItem struct {
	ListItem
	StartAt string
	Stage   string
}

// listPage answers GET /auctions: today's auctions and the upcoming ones.
func (s *server) listPage(c *gin.Context) {
	items, err := s.listed(c)
	if err != nil {
		s.pageError(c, err, "")
		return
	}
	cm := newCommon(c, tr(langOf(c), "auctions"))
	now := s.svc.Now().In(tender.Kyiv)
	y, m, d := now.Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, tender.Kyiv)
	var today, upcoming []listItem
	for _, it := range items {
		li := listItem{ListItem: it, StartAt: it.Start.In(tender.Kyiv).Format("2006-01-02 15:04"), Stage: tr(cm.Lang, "stage."+it.Stage.Kind)}
		if it.Stage.Round > 0 {
			li.Stage = tr(cm.Lang, "round", it.Stage.Round)
		}
		li.URL += langQuery(cm.Lang)
		if it.Start.Before(tomorrow) {
			today = append(today, li)
		} else {
			upcoming = append(upcoming, li)
		}
	}
	s.render(c, http.StatusOK, "list.html", struct {
		common
		Today, Upcoming []listItem
	}{cm, today, upcoming})
}
