package merge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkCompile compiles the records of a large release set: by default
// 10,000 generated processes of 10 releases each (tender to contract, with
// items, parties and documents, each release a full snapshot as ProZorro
// publishes them); with PROZORRO_OCDS_BENCH_FILE, the releases of that JSON
// Lines file (one release a line), grouped by ocid. One iteration compiles
// every record. PROZORRO_OCDS_BENCH_WRITE=path writes the generated releases
// as JSON Lines, to run another merger on the same input.
//
//	go test -run '^$' -bench Compile -benchtime 3x ./ocds/merge
//
// Measured on a 2-vCPU Intel Xeon VM (23 GB RAM), Go 1.26, one goroutine,
// parsing included, the OCDS 1.1.5 release schema:
//
//	100,000 releases, 10,000 ocids, 776 MB:  9,344 releases/s, 72.5 MB/s, peak RSS 1.7 GB (input held in memory)
//	first 20,000 of them (155 MB):           10,211 releases/s, 79.6 MB/s, peak RSS 339 MB
//	Python ocdsmerge 0.8.0, same 20,000:      1,997 releases/s, 15.6 MB/s (json.loads + merge; merge alone
//	                                          3,450 releases/s), peak RSS 813 MB
func BenchmarkCompile(b *testing.B) {
	processes, n, size := benchInput(b)
	m := newMerger(b, filepath.Join(shared, "schema", "release-schema.json"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, rs := range processes {
			if _, err := m.Compile(rs); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "releases/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// BenchmarkVersioned is BenchmarkCompile for versioned releases.
func BenchmarkVersioned(b *testing.B) {
	processes, n, size := benchInput(b)
	m := newMerger(b, filepath.Join(shared, "schema", "release-schema.json"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, rs := range processes {
			if _, err := m.Versioned(rs); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "releases/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// peakRSSMB is the process's peak resident memory (VmHWM), in MB: the
// input held in memory plus the merger's working set.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.Sys) / 1e6
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1e3
		}
	}
	return 0
}

var benchCache struct {
	processes [][]json.RawMessage
	n, size   int
}

func benchInput(b *testing.B) ([][]json.RawMessage, int, int) {
	b.Helper()
	sharedDir(b, "schema")
	if benchCache.processes != nil {
		return benchCache.processes, benchCache.n, benchCache.size
	}
	var processes [][]json.RawMessage
	if path := os.Getenv("PROZORRO_OCDS_BENCH_FILE"); path != "" {
		processes = readJSONLines(b, path)
	} else {
		processes = generate(10_000, 10, 1)
	}
	n, size := 0, 0
	for _, rs := range processes {
		n += len(rs)
		for _, r := range rs {
			size += len(r)
		}
	}
	if path := os.Getenv("PROZORRO_OCDS_BENCH_WRITE"); path != "" {
		writeJSONLines(b, path, processes)
	}
	benchCache.processes, benchCache.n, benchCache.size = processes, n, size
	return processes, n, size
}

func readJSONLines(b *testing.B, path string) [][]json.RawMessage {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	byOCID := map[string]int{}
	var processes [][]json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var head struct {
			OCID string `json:"ocid"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			b.Fatal(err)
		}
		i, ok := byOCID[head.OCID]
		if !ok {
			i = len(processes)
			byOCID[head.OCID] = i
			processes = append(processes, nil)
		}
		processes[i] = append(processes[i], json.RawMessage(bytes.Clone(line)))
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return processes
}

func writeJSONLines(b *testing.B, path string, processes [][]json.RawMessage) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, rs := range processes {
		for _, r := range rs {
			w.Write(r)
			w.WriteByte('\n')
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// generate makes releases for n processes, perProcess releases each, in the
// shape ProZorro's history takes: tender, amendment, tenderers, award,
// award activation, contract, signature, then implementation updates. Each
// release is the full state at its date. The same seed gives the same data.
func generate(n, perProcess int, seed uint64) [][]json.RawMessage {
	rng := rand.New(rand.NewPCG(seed, 2))
	cpv := []string{"09130000-9", "30190000-7", "33600000-6", "45000000-7", "50110000-9", "71320000-7", "15800000-6", "39100000-3"}
	units := [][2]string{{"H87", "штука"}, {"KGM", "кілограм"}, {"LTR", "літр"}, {"E48", "послуга"}}
	docTypes := []string{"tenderNotice", "biddingDocuments", "technicalSpecifications", "evaluationCriteria", "contractDraft"}
	base := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	out := make([][]json.RawMessage, n)

	org := func(code string, name string, roles ...string) map[string]any {
		return map[string]any{
			"id":   "UA-EDR-" + code,
			"name": name,
			"identifier": map[string]any{
				"scheme": "UA-EDR", "id": code, "legalName": name,
			},
			"address": map[string]any{
				"streetAddress": "вул. Хрещатик, " + strconv.Itoa(1+len(code)%40),
				"locality":      "Київ", "region": "м. Київ", "postalCode": "01001", "countryName": "Україна",
			},
			"contactPoint": map[string]any{"name": "Контактна особа", "email": "info@example.com", "telephone": "+380441234567"},
			"roles":        roles,
		}
	}
	doc := func(id string, when time.Time, kind string) map[string]any {
		return map[string]any{
			"id": id, "documentType": kind, "title": kind + ".pdf",
			"url":           "https://public-docs.prozorro.example/get/" + id,
			"datePublished": when.Format(time.RFC3339), "format": "application/pdf", "language": "uk",
		}
	}
	money := func(cents int64) map[string]any {
		return map[string]any{"amount": json.Number(fmt.Sprintf("%d.%02d", cents/100, cents%100)), "currency": "UAH"}
	}

	for p := range n {
		tenderID := fmt.Sprintf("UA-2024-%02d-%02d-%06d-a", 1+p%12, 1+p%28, p)
		ocid := "ocds-be6bcu-" + tenderID
		start := base.Add(time.Duration(p) * 37 * time.Minute)
		buyerCode := fmt.Sprintf("%08d", 10000000+rng.IntN(89999999))
		buyer := org(buyerCode, "Комунальне підприємство №"+strconv.Itoa(p%500), "buyer", "procuringEntity")
		nItems := 1 + rng.IntN(5)
		var items []any
		var total int64
		for i := range nItems {
			qty := 1 + rng.IntN(500)
			price := int64(100 + rng.IntN(1_000_000))
			total += price * int64(qty)
			u := units[rng.IntN(len(units))]
			code := cpv[rng.IntN(len(cpv))]
			items = append(items, map[string]any{
				"id":          fmt.Sprintf("%032x", rng.Uint64()),
				"description": "Товар " + strconv.Itoa(i+1) + " за кодом " + code,
				"classification": map[string]any{
					"scheme": "CPV", "id": code, "description": "Опис CPV " + code,
				},
				"additionalClassifications": []any{map[string]any{"scheme": "ДКПП", "id": "17.12.1", "description": "Папір"}},
				"quantity":                  qty,
				"unit":                      map[string]any{"scheme": "UNCEFACT", "id": u[0], "name": u[1]},
				"deliveryAddress":           map[string]any{"locality": "Київ", "countryName": "Україна"},
			})
		}
		var docs []any
		for d := range 1 + rng.IntN(4) {
			docs = append(docs, doc(fmt.Sprintf("%032x", rng.Uint64()), start, docTypes[d%len(docTypes)]))
		}
		tender := map[string]any{
			"id":                       fmt.Sprintf("%032x", rng.Uint64()),
			"title":                    "Закупівля товарів для потреб підприємства " + strconv.Itoa(p),
			"description":              "Відкриті торги з особливостями",
			"status":                   "active",
			"procuringEntity":          map[string]any{"id": buyer["id"], "name": buyer["name"]},
			"items":                    items,
			"value":                    money(total),
			"procurementMethod":        "open",
			"procurementMethodDetails": "aboveThresholdUA",
			"mainProcurementCategory":  "goods",
			"awardCriteria":            "priceOnly",
			"submissionMethod":         []any{"electronicSubmission"},
			"tenderPeriod": map[string]any{
				"startDate": start.Format(time.RFC3339), "endDate": start.Add(15 * 24 * time.Hour).Format(time.RFC3339),
			},
			"enquiryPeriod": map[string]any{
				"startDate": start.Format(time.RFC3339), "endDate": start.Add(10 * 24 * time.Hour).Format(time.RFC3339),
			},
			"hasEnquiries": false,
			"documents":    docs,
		}
		state := map[string]any{
			"ocid":           ocid,
			"initiationType": "tender",
			"language":       "uk",
			"parties":        []any{buyer},
			"buyer":          map[string]any{"id": buyer["id"], "name": buyer["name"]},
			"tender":         tender,
		}
		releases := make([]json.RawMessage, 0, perProcess)
		emit := func(step int, tag string) {
			when := start.Add(time.Duration(step) * 36 * time.Hour)
			state["id"] = fmt.Sprintf("%s-%02d", tenderID, step)
			state["date"] = when.Format(time.RFC3339)
			state["tag"] = []any{tag}
			data, err := json.Marshal(state)
			if err != nil {
				panic(err)
			}
			releases = append(releases, data)
		}
		nBids := 2 + rng.IntN(4)
		var tenderers []any
		var winner map[string]any
		for step := range perProcess {
			when := start.Add(time.Duration(step) * 36 * time.Hour)
			switch step {
			case 0:
				emit(step, "tender")
			case 1:
				tender["documents"] = append(tender["documents"].([]any), doc(fmt.Sprintf("%032x", rng.Uint64()), when, "clarifications"))
				tender["tenderPeriod"].(map[string]any)["endDate"] = start.Add(20 * 24 * time.Hour).Format(time.RFC3339)
				tender["amendments"] = []any{map[string]any{"id": "1", "date": when.Format(time.RFC3339), "rationale": "Зміни до тендерної документації"}}
				emit(step, "tenderAmendment")
			case 2:
				parties := state["parties"].([]any)
				for range nBids {
					code := fmt.Sprintf("%08d", 10000000+rng.IntN(89999999))
					t := org(code, "ТОВ Постачальник "+code, "tenderer")
					parties = append(parties, t)
					tenderers = append(tenderers, map[string]any{"id": t["id"], "name": t["name"]})
				}
				state["parties"] = parties
				tender["tenderers"] = tenderers
				tender["numberOfTenderers"] = nBids
				tender["status"] = "active"
				tender["awardPeriod"] = map[string]any{"startDate": when.Format(time.RFC3339)}
				emit(step, "tenderUpdate")
			case 3:
				winner = tenderers[rng.IntN(len(tenderers))].(map[string]any)
				state["awards"] = []any{map[string]any{
					"id": fmt.Sprintf("%032x", rng.Uint64()), "status": "pending", "date": when.Format(time.RFC3339),
					"value": money(total - int64(rng.IntN(int(total/10+1)))), "suppliers": []any{winner},
					"items": items,
				}}
				emit(step, "award")
			case 4:
				a := state["awards"].([]any)[0].(map[string]any)
				a["status"] = "active"
				a["documents"] = []any{doc(fmt.Sprintf("%032x", rng.Uint64()), when, "awardNotice")}
				for _, pa := range state["parties"].([]any) {
					if pm := pa.(map[string]any); pm["id"] == winner["id"] {
						pm["roles"] = []string{"tenderer", "supplier"}
					}
				}
				tender["status"] = "complete"
				emit(step, "awardUpdate")
			case 5:
				a := state["awards"].([]any)[0].(map[string]any)
				state["contracts"] = []any{map[string]any{
					"id": fmt.Sprintf("%032x", rng.Uint64()), "awardID": a["id"], "status": "pending",
					"title": "Договір про закупівлю", "value": a["value"], "items": items,
					"period": map[string]any{"startDate": when.Format(time.RFC3339), "endDate": when.AddDate(1, 0, 0).Format(time.RFC3339)},
				}}
				emit(step, "contract")
			case 6:
				c := state["contracts"].([]any)[0].(map[string]any)
				c["status"] = "active"
				c["dateSigned"] = when.Format(time.RFC3339)
				c["documents"] = []any{doc(fmt.Sprintf("%032x", rng.Uint64()), when, "contractSigned")}
				emit(step, "contractUpdate")
			default:
				c := state["contracts"].([]any)[0].(map[string]any)
				impl, _ := c["implementation"].(map[string]any)
				if impl == nil {
					impl = map[string]any{"transactions": []any{}}
					c["implementation"] = impl
				}
				impl["transactions"] = append(impl["transactions"].([]any), map[string]any{
					"id": strconv.Itoa(step), "source": "https://spending.example/" + strconv.Itoa(p),
					"date": when.Format(time.RFC3339), "value": money(int64(1000 + rng.IntN(100000))),
				})
				emit(step, "implementation")
			}
		}
		out[p] = releases
	}
	return out
}
