package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Languages: Ukrainian by default, English with ?lang=en.
const (
	LangUK = "uk"
	LangEN = "en"
)

// langOf reads the page language from the request.
func langOf(r *http.Request) string {
	if strings.EqualFold(r.URL.Query().Get("lang"), LangEN) {
		return LangEN
	}
	return LangUK
}

var (
	dictMu sync.RWMutex
	dict   = map[string]map[string]string{LangUK: {}, LangEN: {}}
)

// messages adds a page's vocabulary; each page file calls it from an init
// function with its own keys. A key defined twice, or missing in one
// language, panics at start-up (a test loads the package).
func messages(uk, en map[string]string) {
	dictMu.Lock()
	defer dictMu.Unlock()
	for k := range uk {
		if _, ok := en[k]; !ok {
			panic("portal: message " + k + " has no English text")
		}
	}
	for k := range en {
		if _, ok := uk[k]; !ok {
			panic("portal: message " + k + " has no Ukrainian text")
		}
	}
	for lang, m := range map[string]map[string]string{LangUK: uk, LangEN: en} {
		for k, v := range m {
			if _, dup := dict[lang][k]; dup {
				panic("portal: message " + k + " defined twice")
			}
			dict[lang][k] = v
		}
	}
}

// tr translates key into lang, filling %-verbs with args. An unknown key
// shows itself, so a missing text is visible rather than blank.
func tr(lang, key string, args ...any) string {
	dictMu.RLock()
	s, ok := dict[lang][key]
	dictMu.RUnlock()
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// withLang returns path with ?lang=en (or &lang=en) on English pages.
func withLang(lang, path string) string {
	if lang != LangEN {
		return path
	}
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("lang", LangEN)
	u.RawQuery = q.Encode()
	return u.String()
}

func init() {
	messages(map[string]string{
		"site.name":       "Прозорро-Go: публічні закупівлі",
		"nav.search":      "Пошук",
		"nav.contracts":   "Договори",
		"nav.risks":       "Черга ризиків",
		"nav.auctions":    "Аукціони",
		"nav.main":        "Головне меню",
		"lang.switch":     "English",
		"lang.switchName": "Switch to English",
		"skip":            "Перейти до змісту",
		"footer.api":      "Усі дані доступні через відкритий API та у форматі OCDS.",
		"error.title":     "Помилка",
		"error.notFound":  "Сторінку не знайдено.",
		"error.internal":  "Щось пішло не так. Спробуйте пізніше.",
		"error.bad":       "Неправильний запит.",
		"error.back":      "До пошуку",
		"none":            "—",
	}, map[string]string{
		"site.name":       "Prozorro-Go: public procurement",
		"nav.search":      "Search",
		"nav.contracts":   "Contracts",
		"nav.risks":       "Risk queue",
		"nav.auctions":    "Auctions",
		"nav.main":        "Main menu",
		"lang.switch":     "Українська",
		"lang.switchName": "Перейти українською",
		"skip":            "Skip to content",
		"footer.api":      "All data is available through the open API and as OCDS.",
		"error.title":     "Error",
		"error.notFound":  "Page not found.",
		"error.internal":  "Something went wrong. Please try again later.",
		"error.bad":       "Bad request.",
		"error.back":      "Back to search",
		"none":            "—",
	})
}
