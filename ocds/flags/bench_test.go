package flags

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// synthetic writes n ProZorro-shaped compiled releases as JSON Lines:
// a mix of belowThreshold, open, EU, reporting and negotiation procedures,
// a quarter of competitive ones with 2–6 lots, 1–5 bidders, some
// disqualified bids, cancelled tenders, parties and documents, so that the
// size of a line (about 6 KB) is close to real ones.
func synthetic(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	cpv := make([]string, 300)
	for i := range cpv {
		cpv[i] = fmt.Sprintf("%02d%02d0000-%d", 3+rng.IntN(45), rng.IntN(100), rng.IntN(10))
	}
	org := func(id string) map[string]any {
		return map[string]any{"id": id, "name": "ТОВ " + id, "identifier": map[string]any{"scheme": "UA-EDR", "id": id[7:], "legalName": "Товариство " + id},
			"address":      map[string]any{"streetAddress": "вул. Хрещатик, " + strconv.Itoa(rng.IntN(200)), "locality": "Київ", "region": "м. Київ", "postalCode": "01001", "countryName": "Україна"},
			"contactPoint": map[string]any{"name": "Іван Петренко", "email": "info@example.com", "telephone": "+380441234567"}}
	}
	docs := func(k int) []map[string]any {
		var d []map[string]any
		for j := range k {
			d = append(d, map[string]any{"id": fmt.Sprintf("%032x", rng.Uint64()), "documentType": "tenderNotice", "title": "Документ " + strconv.Itoa(j) + ".pdf",
				"url": "https://public-docs.prozorro.gov.ua/get/" + fmt.Sprintf("%032x", rng.Uint64()), "format": "application/pdf",
				"datePublished": "2024-01-01T10:00:00+02:00", "hash": "md5:" + fmt.Sprintf("%032x", rng.Uint64())})
		}
		return d
	}
	money := func(v float64) json.Number {
		return json.Number(strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64))
	}
	for i := range n {
		start := time.Date(2023, 1, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(730*24)) * time.Hour)
		buyer := fmt.Sprintf("UA-EDR-%08d", rng.IntN(3000))
		parties := []map[string]any{org(buyer)}
		var method, details string
		var days int
		switch r := rng.IntN(100); {
		case r < 45:
			method, details, days = "open", "belowThreshold", 1+rng.IntN(10)
		case r < 65:
			method, details, days = "open", "aboveThresholdUA", 15+rng.IntN(10)
		case r < 70:
			method, details, days = "open", "aboveThresholdEU", 30+rng.IntN(10)
		case r < 95:
			method, details = "limited", "reporting"
		default:
			method, details = "limited", "negotiation"
		}
		expected := math.Exp(math.Log(10_000) + rng.Float64()*math.Log(500))
		var items []map[string]any
		for range 1 + rng.IntN(3) {
			items = append(items, map[string]any{"id": fmt.Sprintf("%032x", rng.Uint64()), "description": "Товар",
				"classification": map[string]any{"scheme": "CPV", "id": cpv[rng.IntN(len(cpv))], "description": "Опис"},
				"quantity":       1 + rng.IntN(100), "unit": map[string]any{"id": "H87", "name": "штуки"}})
		}
		tender := map[string]any{"id": fmt.Sprintf("%032x", rng.Uint64()), "title": "Закупівля " + strconv.Itoa(i),
			"status": "complete", "procurementMethod": method, "procurementMethodDetails": details,
			"mainProcurementCategory": "goods", "value": map[string]any{"amount": money(expected), "currency": "UAH"},
			"procuringEntity": map[string]any{"id": buyer, "name": "ТОВ " + buyer}, "items": items, "documents": docs(2 + rng.IntN(3))}
		if rng.IntN(100) < 3 {
			tender["status"] = "cancelled"
		}
		release := map[string]any{"ocid": fmt.Sprintf("ocds-be6bcu-UA-%s-%06d-a", start.Format("2006-01-02"), i),
			"id": strconv.Itoa(i), "date": start.Format(time.RFC3339), "tag": []string{"compiled"}, "initiationType": "tender",
			"buyer": map[string]any{"id": buyer, "name": "ТОВ " + buyer}, "tender": tender}
		lots := []string{""}
		if method == "open" && rng.IntN(4) == 0 {
			lots = nil
			var tl []map[string]any
			for l := range 2 + rng.IntN(5) {
				id := fmt.Sprintf("%032x", rng.Uint64())
				lots = append(lots, id)
				tl = append(tl, map[string]any{"id": id, "title": "Лот " + strconv.Itoa(l), "status": "complete",
					"value": map[string]any{"amount": money(expected / 3), "currency": "UAH"}})
			}
			tender["lots"] = tl
		}
		var awards, details2 []map[string]any
		if method == "open" {
			tender["tenderPeriod"] = map[string]any{"startDate": start.Format(time.RFC3339), "endDate": start.AddDate(0, 0, days).Format(time.RFC3339)}
			nb := 1 + rng.IntN(5)
			tender["numberOfTenderers"] = nb
			bidders := make([]string, nb)
			for b := range bidders {
				bidders[b] = fmt.Sprintf("UA-EDR-%08d", 10_000_000+rng.IntN(30_000))
				parties = append(parties, org(bidders[b]))
			}
			for _, l := range lots {
				best, bestAmt := -1, math.Inf(1)
				for b, who := range bidders {
					amt := expected * (0.6 + 0.4*rng.Float64())
					if l != "" {
						amt /= 3
					}
					st := "valid"
					if rng.IntN(10) == 0 {
						st = "disqualified"
					} else if amt < bestAmt {
						best, bestAmt = b, amt
					}
					d := map[string]any{"id": fmt.Sprintf("%032x-%d", rng.Uint64(), b), "status": st, "date": start.Add(time.Hour).Format(time.RFC3339),
						"tenderers": []map[string]any{{"id": who, "name": "ТОВ " + who}}, "value": map[string]any{"amount": money(amt), "currency": "UAH"},
						"documents": docs(1)}
					if l != "" {
						d["relatedLots"] = []string{l}
					}
					details2 = append(details2, d)
				}
				if best >= 0 {
					a := map[string]any{"id": fmt.Sprintf("%032x", rng.Uint64()), "status": "active", "date": start.AddDate(0, 0, days+3).Format(time.RFC3339),
						"suppliers": []map[string]any{{"id": bidders[best], "name": "ТОВ " + bidders[best]}},
						"value":     map[string]any{"amount": money(bestAmt), "currency": "UAH"}, "items": items}
					if l != "" {
						a["relatedLots"] = []string{l}
					}
					awards = append(awards, a)
				}
			}
			release["bids"] = map[string]any{"details": details2}
		} else {
			sup := fmt.Sprintf("UA-EDR-%08d", 10_000_000+rng.IntN(30_000))
			parties = append(parties, org(sup))
			awards = append(awards, map[string]any{"id": fmt.Sprintf("%032x", rng.Uint64()), "status": "active",
				"suppliers": []map[string]any{{"id": sup, "name": "ТОВ " + sup}},
				"value":     map[string]any{"amount": money(expected * (0.9 + 0.1*rng.Float64())), "currency": "UAH"}, "items": items})
		}
		release["awards"] = awards
		release["parties"] = parties
		if err := enc.Encode(release); err != nil {
			panic(err)
		}
	}
	return out.Bytes()
}

var (
	benchOnce sync.Once
	benchData []byte
)

const benchReleases = 100_000

// benchDataset is 100,000 releases: 20,000 generated ones five times, each
// copy under other ocids (generating all of them takes a minute on a busy
// machine).
func benchDataset() []byte {
	base := synthetic(benchReleases/5, 1)
	var out bytes.Buffer
	for k := range 5 {
		out.Write(bytes.ReplaceAll(base, []byte(`"ocid":"ocds-be6bcu-UA-`), []byte(`"ocid":"ocds-be6bcu-UA`+strconv.Itoa(k)+`-`)))
	}
	return out.Bytes()
}

// BenchmarkFlags measures the whole pipeline of `prozorro flags` on
// 100,000 generated releases: read and parse the JSON Lines and extract
// facts (GOMAXPROCS workers), compute the statistics, evaluate every
// process.
func BenchmarkFlags(b *testing.B) {
	benchOnce.Do(func() { benchData = benchDataset() })
	s := DefaultSettings()
	b.SetBytes(int64(len(benchData)))
	flagged := 0
	for b.Loop() {
		facts, err := ReadFacts(bytes.NewReader(benchData), s, runtime.GOMAXPROCS(0), nil)
		if err != nil || len(facts) != benchReleases {
			b.Fatalf("%d facts, %v", len(facts), err)
		}
		stats := ComputeStats(facts, s)
		flagged = 0
		for i := range facts {
			if len(Evaluate(facts[i], stats, s)) > 0 {
				flagged++
			}
		}
	}
	b.ReportMetric(float64(benchReleases)*float64(b.N)/b.Elapsed().Seconds(), "releases/s")
	b.ReportMetric(float64(len(benchData))/benchReleases, "B/release")
	if flagged == 0 {
		b.Fatal("no process flagged")
	}
}

// BenchmarkComputeStats measures the statistics over 1,000,000 facts (the
// 100,000 generated ones, ten times under other ocids) and reports the
// memory the facts hold.
func BenchmarkComputeStats(b *testing.B) {
	benchOnce.Do(func() { benchData = benchDataset() })
	s := DefaultSettings()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	base, err := ReadFacts(bytes.NewReader(benchData), s, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	facts := make([]Facts, 0, 10*len(base))
	for k := range 10 {
		for _, f := range base {
			f.OCID += "-" + strconv.Itoa(k)
			facts = append(facts, f)
		}
	}
	for b.Loop() {
		ComputeStats(facts, s)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(base)), "heapB/fact")
}

func TestSyntheticDataset(t *testing.T) {
	// The generator gives releases every stage of the pipeline reads, and
	// they raise a range of indicators.
	data := synthetic(3000, 2)
	s := DefaultSettings()
	var bad []*LineError
	facts, err := ReadFacts(bytes.NewReader(data), s, 3, func(e *LineError) { bad = append(bad, e) })
	if err != nil || len(bad) != 0 || len(facts) != 3000 {
		t.Fatalf("%d facts, %v, bad %v", len(facts), err, bad)
	}
	r := Indicators(facts, s)
	seen := map[string]bool{}
	for _, g := range []Results{r.OCID, r.Buyer, r.ProcuringEntity, r.Tenderer} {
		for _, codes := range g {
			for c := range codes {
				seen[c] = true
			}
		}
	}
	for _, c := range []string{"R003", "R018", "R035", "R036", "R038", "R058", "PZ1", "PZ2"} {
		if !seen[c] {
			t.Errorf("%s never raised on the synthetic dataset (seen %v)", c, seen)
		}
	}
}
