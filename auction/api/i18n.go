package api

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/tender"
)

// The page speaks Ukrainian by default and English with ?lang=en.
const (
	langUK = "uk"
	langEN = "en"
)

func langOf(c *gin.Context) string {
	if strings.EqualFold(c.Query("lang"), langEN) {
		return langEN
	}
	return langUK
}

// dict is the page's whole vocabulary; the page's script gets the same map,
// so server-rendered and live-updated text read alike. %d and %s are filled
// in order.
var dict = map[string]map[string]string{
	langUK: {
		"auction":                  "Аукціон",
		"auctions":                 "Аукціони",
		"allAuctions":              "Усі аукціони",
		"otherLang":                "English",
		"tender":                   "Закупівля",
		"lot":                      "Лот",
		"label":                    "Учасник #%d",
		"stage":                    "Етап",
		"round":                    "Раунд %d",
		"stage.scheduled":          "Аукціон ще не почався",
		"stage.pause":              "Раунд %d з %d: пауза перед раундом",
		"stage.turn":               "Раунд %d з %d, хід %d з %d",
		"stage.announcement":       "Торги завершено, оголошуються результати",
		"stage.finished":           "Аукціон завершено",
		"stage.cancelled":          "Аукціон скасовано",
		"whose":                    "Зараз ставку робить %s",
		"stageEnds":                "Етап закінчується о %s",
		"auctionStarts":            "Початок о %s",
		"timeLeft":                 "Залишилось",
		"standings":                "Поточні ціни",
		"place":                    "Місце",
		"bidder":                   "Учасник",
		"price":                    "Ціна",
		"you":                      "ви",
		"yourSection":              "Ваша участь",
		"youAre":                   "Ви — %s",
		"yourPrice":                "Ваша поточна ціна",
		"yourLimit":                "Найбільша ставка зараз",
		"yourTurn":                 "Ваш хід: зробіть ставку.",
		"notYourTurn":              "Ставку можна зробити лише у свій хід.",
		"turnBid":                  "Ваша ставка в цьому ході: %s. Інші побачать її після завершення ходу.",
		"amountLabel":              "Ваша ставка, %s",
		"amountHint":               "Не більше %s; копійки через кому або крапку.",
		"placeBid":                 "Зробити ставку",
		"withdraw":                 "Відкликати ставку",
		"observer":                 "Ви спостерігаєте за аукціоном. Щоб робити ставки, відкрийте своє посилання для участі.",
		"audit":                    "Протокол аукціону (JSON)",
		"minimalStep":              "Мінімальний крок",
		"today":                    "Сьогодні",
		"upcoming":                 "Заплановані",
		"none":                     "Аукціонів немає.",
		"start":                    "Початок",
		"bid.accepted":             "Вашу ставку %s прийнято.",
		"bid.replaced":             "Вашу ставку замінено: тепер %s.",
		"bid.withdrawn":            "Вашу ставку відкликано.",
		"refused":                  "Ставку не прийнято: %s",
		"rule.not_bidding_stage":   "ставки приймаються лише під час ходу.",
		"rule.not_your_turn":       "зараз не ваш хід.",
		"rule.unknown_bidder":      "ви не є учасником цього аукціону.",
		"rule.amount_not_positive": "ставка має бути більшою за нуль.",
		"rule.amount_precision":    "ставка може мати не більше двох знаків після коми.",
		"rule.step_not_beaten":     "занадто висока ставка: запропонуйте не більше %s (ваша ціна мінус мінімальний крок).",
		"rule.nothing_to_withdraw": "у цьому ході немає ставки, яку можна відкликати.",
		"rule.hash":                "недійсне посилання для участі; відкрийте його знову.",
		"rule.amount":              "введіть суму числом, наприклад 95000.50.",
		"rule.other":               "спробуйте ще раз.",
		"live.lost":                "Зв’язок із сервером втрачено, перепідключення…",
		"err.title":                "Помилка",
		"err.404":                  "Аукціон не знайдено.",
		"err.403":                  "Посилання для участі недійсне.",
		"err.500":                  "Внутрішня помилка сервера. Спробуйте пізніше.",
		"back":                     "До аукціону",
	},
	langEN: {
		"auction":                  "Auction",
		"auctions":                 "Auctions",
		"allAuctions":              "All auctions",
		"otherLang":                "Українська",
		"tender":                   "Tender",
		"lot":                      "Lot",
		"label":                    "Bidder #%d",
		"stage":                    "Stage",
		"round":                    "Round %d",
		"stage.scheduled":          "The auction has not started yet",
		"stage.pause":              "Round %d of %d: pause before the round",
		"stage.turn":               "Round %d of %d, turn %d of %d",
		"stage.announcement":       "Bidding is over; announcing the results",
		"stage.finished":           "The auction has finished",
		"stage.cancelled":          "The auction was cancelled",
		"whose":                    "Bidding now: %s",
		"stageEnds":                "The stage ends at %s",
		"auctionStarts":            "Starts at %s",
		"timeLeft":                 "Time left",
		"standings":                "Standings",
		"place":                    "Place",
		"bidder":                   "Bidder",
		"price":                    "Price",
		"you":                      "you",
		"yourSection":              "Your participation",
		"youAre":                   "You are %s",
		"yourPrice":                "Your current price",
		"yourLimit":                "The most you may bid now",
		"yourTurn":                 "Your turn: place your bid.",
		"notYourTurn":              "You may bid only in your turn.",
		"turnBid":                  "Your bid in this turn: %s. Others see it when the turn ends.",
		"amountLabel":              "Your bid, %s",
		"amountHint":               "At most %s; cents after a point or a comma.",
		"placeBid":                 "Place bid",
		"withdraw":                 "Withdraw bid",
		"observer":                 "You are observing the auction. To bid, open your participation link.",
		"audit":                    "Auction audit (JSON)",
		"minimalStep":              "Minimal step",
		"today":                    "Today",
		"upcoming":                 "Upcoming",
		"none":                     "No auctions.",
		"start":                    "Start",
		"bid.accepted":             "Your bid %s was accepted.",
		"bid.replaced":             "Your bid was replaced: now %s.",
		"bid.withdrawn":            "Your bid was withdrawn.",
		"refused":                  "Bid refused: %s",
		"rule.not_bidding_stage":   "bids are accepted only during a turn.",
		"rule.not_your_turn":       "it is not your turn.",
		"rule.unknown_bidder":      "you are not a bidder of this auction.",
		"rule.amount_not_positive": "the bid must be greater than zero.",
		"rule.amount_precision":    "the bid may have at most 2 decimal places.",
		"rule.step_not_beaten":     "too high: bid at most %s (your price minus the minimal step).",
		"rule.nothing_to_withdraw": "there is no bid in this turn to withdraw.",
		"rule.hash":                "invalid participation link; open it again.",
		"rule.amount":              "enter the amount as a number, e.g. 95000.50.",
		"rule.other":               "please try again.",
		"live.lost":                "Connection to the server lost, reconnecting…",
		"err.title":                "Error",
		"err.404":                  "Auction not found.",
		"err.403":                  "The participation link is not valid.",
		"err.500":                  "Internal server error. Please try later.",
		"back":                     "Back to the auction",
	},
}

// tr returns key's text in lang, filled with args.
func tr(lang, key string, args ...any) string {
	s, ok := dict[lang][key]
	if !ok {
		s = dict[langEN][key]
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// labelText is "Учасник #n" / "Bidder #n", with the name once revealed.
func labelText(lang string, label int, name string) string {
	s := tr(lang, "label", label)
	if name != "" {
		s += " · " + name
	}
	return s
}

// money formats an amount for people: "95 000,50" in Ukrainian, "95,000.50"
// in English (the page's script formats alike).
func money(lang string, a tender.Amount) string {
	d := a.Decimal()
	s := d.StringFixed(2)
	if a.Places() > 2 {
		s = d.String()
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	group, point := ",", "."
	if lang == langUK {
		group, point = "\u00a0", ","
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += point + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// ruleText is the people's wording of a refusal; limit fills the step rule.
func ruleText(lang, rule string, limit string) string {
	switch rule {
	case string(auction.RuleStep):
		return tr(lang, "refused", tr(lang, "rule.step_not_beaten", limit))
	case "":
		return tr(lang, "refused", tr(lang, "rule.other"))
	}
	if _, ok := dict[lang]["rule."+rule]; !ok {
		rule = "other"
	}
	return tr(lang, "refused", tr(lang, "rule."+rule))
}

// bidMessage is the notice a bidder gets about its stored bid.
func bidMessage(lang, kind string, b auction.Bid) string {
	if kind == kindWithdrawn {
		return tr(lang, "bid.withdrawn")
	}
	return tr(lang, "bid."+kind, money(lang, b.Amount))
}

// Kinds of a stored bid, as BidEvent.Kind and the bid response's status.
const (
	kindAccepted  = "accepted"
	kindReplaced  = "replaced"
	kindWithdrawn = "withdrawn"
)

// stageText describes st for people (the page's script has the same logic).
func stageText(lang string, s State) string {
	st := s.Stage
	switch st.Kind {
	case auction.StagePause:
		return tr(lang, "stage.pause", st.Round, s.Rounds)
	case auction.StageTurn:
		return tr(lang, "stage.turn", st.Round, s.Rounds, st.Turn, s.Turns)
	}
	return tr(lang, "stage."+st.Kind)
}
