package elastic

import (
	"strings"

	"github.com/prozorro-go/prozorro/search"
)

// kind is how one document field is mapped, filtered and sorted.
type kind int

const (
	keyword kind = iota // exact value: codes, statuses, currencies, decimal strings
	ident               // keyword plus a whitespace_lower text field (.wl) for full text
	text                // analysed text: standard, plus .en, .ru and .uk multi-fields
	long                // integer
	double              // floating point
	date                // instant, nanosecond precision (date_nanos)
	stored              // kept in _source, never indexed (an object with enabled false)
)

// field is one leaf of a document, by its dotted JSON path.
type field struct {
	path string
	kind kind
}

// orgFields are the leaves of a search.Org under prefix.
func orgFields(prefix string) []field {
	return []field{{prefix + ".id", ident}, {prefix + ".name", text}}
}

// tenderFields lists every leaf of search.TenderDoc. A test checks it
// against the struct, so a field added there fails until it is mapped here.
var tenderFields = concat(
	[]field{
		{"id", ident}, {"ocid", ident}, {"tenderID", ident}, {"source", keyword},
		{"title", text}, {"description", text},
		{"status", keyword}, {"procurementMethod", keyword}, {"procurementMethodType", keyword},
		{"mainProcurementCategory", keyword},
		{"postalCode", keyword}, {"region", keyword},
		{"cpv", keyword}, {"cpvDivision", keyword},
		{"currency", keyword}, {"amount", keyword}, {"amountMinor", long},
		{"date", date}, {"dateModified", date}, {"tenderStart", date}, {"tenderEnd", date},
		{"enquiryStart", date}, {"enquiryEnd", date}, {"auctionStart", date}, {"auctionEnd", date},
		{"awardStart", date}, {"awardEnd", date}, {"dateSigned", date},
		{"numberOfBids", long},
		{"lots.id", keyword}, {"lots.title", text}, {"lots.status", keyword},
		{"lots.amount", keyword}, {"lots.currency", keyword},
		{"items.id", keyword}, {"items.description", text}, {"items.cpv", keyword},
		{"items.quantity", keyword}, {"items.unit", keyword}, {"items.lot", keyword},
		{"flags", keyword}, {"riskScore", double}, {"facts", stored}, {"version", long},
	},
	orgFields("buyer"), orgFields("suppliers"), orgFields("tenderers"),
)

// contractFields lists every leaf of search.ContractDoc.
var contractFields = concat(
	[]field{
		{"id", ident}, {"ocid", ident}, {"tenderID", ident}, {"tender", ident}, {"source", keyword},
		{"awardID", ident}, {"lot", keyword},
		{"title", text}, {"status", keyword}, {"contractID", ident}, {"contractStatus", keyword},
		{"procurementMethod", keyword}, {"procurementMethodType", keyword},
		{"mainProcurementCategory", keyword},
		{"postalCode", keyword}, {"region", keyword},
		{"cpv", keyword}, {"cpvDivision", keyword},
		{"currency", keyword}, {"amount", keyword}, {"amountMinor", long},
		{"date", date}, {"dateModified", date}, {"dateSigned", date},
		{"contractStart", date}, {"contractEnd", date},
		{"flags", keyword}, {"riskScore", double}, {"version", long},
	},
	orgFields("buyer"), orgFields("suppliers"),
)

// textFields are the fields Query.Text searches, with their boosts: the
// text fields in every analysis (standard, .en, .ru, .uk) and the
// identifiers through their whitespace_lower field (.wl).
var textFields = map[search.Index][]string{
	search.Tenders: concat(
		analysed("title^3", "description", "items.description", "lots.title^2", "buyer.name", "suppliers.name"),
		[]string{"id.wl^5", "ocid.wl^5", "tenderID.wl^5", "buyer.id.wl^2", "suppliers.id.wl^2"},
	),
	search.Contracts: concat(
		analysed("title^3", "buyer.name", "suppliers.name"),
		[]string{"id.wl^5", "ocid.wl^5", "tenderID.wl^5", "tender.wl^5", "awardID.wl^5",
			"contractID.wl^5", "buyer.id.wl^2", "suppliers.id.wl^2"},
	),
}

// analysed expands each text field (with an optional ^boost) into the field
// and its language multi-fields.
func analysed(names ...string) []string {
	var out []string
	for _, n := range names {
		name, boost, _ := strings.Cut(n, "^")
		if boost != "" {
			boost = "^" + boost
		}
		for _, sub := range []string{"", ".en", ".ru", ".uk"} {
			out = append(out, name+sub+boost)
		}
	}
	return out
}

func concat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// fieldKinds indexes each logical index's fields by path.
var fieldKinds = map[search.Index]map[string]kind{
	search.Tenders:   kinds(tenderFields),
	search.Contracts: kinds(contractFields),
}

func kinds(fields []field) map[string]kind {
	m := make(map[string]kind, len(fields))
	for _, f := range fields {
		m[f.path] = f.kind
	}
	return m
}

// indexBody is the body of the create-index request of a physical index of
// idx: settings with the analysers, and the explicit mapping. dynamic is
// false: a field the mapping lacks is kept in _source but not indexed, so a
// document carrying a field newer than the index still writes (a rebuild
// then indexes it); TestMappingCoversDocs keeps the lists above complete.
func indexBody(idx search.Index, shards, replicas int, refreshInterval string) map[string]any {
	fields := tenderFields
	if idx == search.Contracts {
		fields = contractFields
	}
	index := map[string]any{
		"number_of_shards":   shards,
		"number_of_replicas": replicas,
	}
	if refreshInterval != "" {
		index["refresh_interval"] = refreshInterval
	}
	return map[string]any{
		"settings": map[string]any{
			"index":    index,
			"analysis": analysis,
		},
		"mappings": map[string]any{
			"dynamic":    false,
			"properties": properties(fields),
		},
	}
}

// properties turns dotted leaves into nested object properties. Objects
// (buyer, suppliers, lots, items) are plain objects, not nested: a filter
// on lots.status matches a tender with any lot in that status.
func properties(fields []field) map[string]any {
	root := map[string]any{}
	for _, f := range fields {
		parts := strings.Split(f.path, ".")
		props := root
		for _, p := range parts[:len(parts)-1] {
			obj, ok := props[p].(map[string]any)
			if !ok {
				obj = map[string]any{"type": "object", "properties": map[string]any{}}
				props[p] = obj
			}
			props = obj["properties"].(map[string]any)
		}
		props[parts[len(parts)-1]] = fieldMapping(f.kind)
	}
	return root
}

func fieldMapping(k kind) map[string]any {
	switch k {
	case ident:
		return map[string]any{
			"type":   "keyword",
			"fields": map[string]any{"wl": map[string]any{"type": "text", "analyzer": "whitespace_lower"}},
		}
	case text:
		return map[string]any{
			"type":     "text",
			"analyzer": "standard",
			"fields": map[string]any{
				"en": map[string]any{"type": "text", "analyzer": "english"},
				"ru": map[string]any{"type": "text", "analyzer": "russian"},
				"uk": map[string]any{"type": "text", "analyzer": "ukrainian_light"},
			},
		}
	case long:
		return map[string]any{"type": "long"}
	case double:
		return map[string]any{"type": "double"}
	case date:
		return map[string]any{"type": "date_nanos"}
	case stored:
		return map[string]any{"type": "object", "enabled": false}
	default:
		return map[string]any{"type": "keyword"}
	}
}

// analysis defines the custom analysers. english and russian are
// Elasticsearch's built-in language analysers (stop words and Snowball
// stemmers). Elasticsearch core has no Ukrainian stemmer (the
// analysis-ukrainian plugin, a Morfologik dictionary, is not installed on
// every cluster and not at all on the test node), so ukrainian_light is
// built from core filters only: apostrophes folded to one character,
// lowercase, Ukrainian stop words, then uk_suffix, a pattern_replace that
// strips one common inflectional ending from words that keep at least three
// letters. It is a crude light stemmer: it joins the case and number forms
// of most nouns and adjectives (комп'ютер, комп'ютери, комп'ютерів;
// послуги, послугами) but not forms with vowel alternation (робота, робіт),
// and it may join unrelated words that differ only in an ending.
var analysis = map[string]any{
	"char_filter": map[string]any{
		"uk_apostrophe": map[string]any{
			"type":     "mapping",
			"mappings": []string{"’=>'", "ʼ=>'", "‘=>'", "`=>'", "′=>'"},
		},
	},
	"filter": map[string]any{
		"uk_stop": map[string]any{"type": "stop", "stopwords": ukrainianStopWords},
		"uk_suffix": map[string]any{
			"type":        "pattern_replace",
			"pattern":     ukrainianSuffix,
			"replacement": "$1",
		},
	},
	"analyzer": map[string]any{
		"ukrainian_light": map[string]any{
			"type":        "custom",
			"char_filter": []string{"uk_apostrophe"},
			"tokenizer":   "standard",
			"filter":      []string{"lowercase", "uk_stop", "uk_suffix"},
		},
		// whitespace_lower keeps identifiers such as UA-2026-11-22-000001-a
		// or 12345678 whole, case-folded, as ProZorro's search does.
		"whitespace_lower": map[string]any{
			"type":      "custom",
			"tokenizer": "whitespace",
			"filter":    []string{"lowercase"},
		},
	},
}

// ukrainianSuffix matches a word of at least three letters before one
// inflectional ending; the reluctant stem makes the longest ending win.
const ukrainianSuffix = `^(.{3,}?)(ями|ами|ові|еві|ого|ому|ими|іми|ах|ях|ам|ям|ом|ем|ою|ею|ів|їв|ей|ий|ій|ої|ім|их|іх|ую|юю|а|я|о|е|у|ю|і|и|ї|ь|й)$`

// ukrainianStopWords are function words too common to search by.
var ukrainianStopWords = []string{
	"а", "аби", "але", "б", "би", "бо", "був", "була", "були", "було", "бути", "в", "вам", "вас", "ваш",
	"ви", "від", "він", "вона", "вони", "воно", "все", "всі", "втім", "вже", "де", "для", "до", "є",
	"ж", "же", "з", "за", "зі", "і", "із", "її", "їй", "їм", "їх", "й", "його", "йому", "коли", "ледве",
	"лише", "між", "ми", "мене", "мені", "мимо", "на", "навіть", "над", "нам", "нас", "наш", "не", "нехай",
	"ні", "ніж", "о", "об", "од", "ой", "он", "от", "по", "під", "після", "при", "про", "проте", "та",
	"так", "також", "те", "тебе", "тим", "ти", "ті", "тільки", "то", "тобі", "тобто", "той", "ту", "тут",
	"у", "хоч", "хоча", "це", "ця", "ці", "цих", "цей", "цим", "цю", "цього", "чи", "чого",
	"ще", "що", "щоб", "я", "як", "яка", "який", "які", "якщо",
}
