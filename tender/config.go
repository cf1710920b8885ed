package tender

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// procurementMethodType values.
const (
	ProcBelowThreshold   = "belowThreshold"    // спрощена закупівля
	ProcAboveThreshold   = "aboveThreshold"    // open tender (відкриті торги з особливостями)
	ProcAboveThresholdUA = "aboveThresholdUA"  // open tender, Ukrainian publication
	ProcAboveThresholdEU = "aboveThresholdEU"  // open tender with pre-qualification
	ProcReporting        = "reporting"         // report on a direct award
	ProcNegotiation      = "negotiation"       // negotiated procedure
	ProcNegotiationQuick = "negotiation.quick" // urgent negotiated procedure
)

// Config is a tender's procedure configuration, ProZorro's `config` block. It
// is fixed when the tender is created and returned beside `data`.
type Config struct {
	HasAuction                 bool `json:"hasAuction"`
	HasAwardingOrder           bool `json:"hasAwardingOrder"`
	HasValueRestriction        bool `json:"hasValueRestriction"`
	ValueCurrencyEquality      bool `json:"valueCurrencyEquality"`
	HasPrequalification        bool `json:"hasPrequalification"`
	MinBidsNumber              int  `json:"minBidsNumber"`
	HasPreSelectionAgreement   bool `json:"hasPreSelectionAgreement"`
	HasTenderComplaints        bool `json:"hasTenderComplaints"`
	HasAwardComplaints         bool `json:"hasAwardComplaints"`
	HasCancellationComplaints  bool `json:"hasCancellationComplaints"`
	HasValueEstimation         bool `json:"hasValueEstimation"`
	HasQualificationComplaints bool `json:"hasQualificationComplaints"`
	TenderComplainRegulation   int  `json:"tenderComplainRegulation"`
	QualificationComplainDur   int  `json:"qualificationComplainDuration"`
	AwardComplainDuration      int  `json:"awardComplainDuration"`
	CancellationComplainDur    int  `json:"cancellationComplainDuration"`
	ClarificationUntilDuration int  `json:"clarificationUntilDuration"`
	QualificationDuration      int  `json:"qualificationDuration"`
	MinTenderingDuration       int  `json:"minTenderingDuration"`
	HasEnquiries               bool `json:"hasEnquiries"`
	MinEnquiriesDuration       int  `json:"minEnquiriesDuration"`
	EnquiryPeriodRegulation    int  `json:"enquiryPeriodRegulation"`
	Restricted                 bool `json:"restricted"`
	HasMultiSourcing           bool `json:"hasMultiSourcing"`
}

// rules holds what a procedure fixes beyond its config block.
type rules struct {
	config   Config
	optional map[string][]any // config keys a creator may change, with the values allowed
	method   string           // procurementMethod: open or limited
	// Units of the config durations: working or calendar days.
	workingDays           bool // enquiry, tendering, extension
	awardWorkingDays      bool // award standstill
	clarifyWorking        bool // clarificationUntilDuration
	awardDecisionDays     int  // award.period, working days
	extraTendering        int  // days that must remain after an owner edits in tendering
	eligibility           bool // decisions also need eligible:true
	alp                   bool // abnormally-low-price milestone on awards
	cancelReasons         []string
	createLevel, bidLevel byte // accreditation levels: 1/2 below the threshold, 3/4 above
}

// limited reports a procedure without bids: the owner awards directly.
func (r rules) limited() bool { return r.method == "limited" }

var (
	yesNo          = []any{true, false}
	reasonsBase    = []string{"noDemand", "unFixable", "forceMajeure", "expensesCut"}
	reasonsOpen    = []string{"noDemand", "unFixable", "forceMajeure", "expensesCut", "noOffer"}
	reasonsLimited = []string{"noDemand", "unFixable", "forceMajeure", "expensesCut", "noObjectiveness", "dateViolation"}
)

// openConfig is what the competitive open procedures share.
func openConfig(minBids, tendering, regulation, complainRegulation, awardComplain int) Config {
	return Config{
		HasAuction: true, HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
		MinBidsNumber: minBids, HasTenderComplaints: true, HasAwardComplaints: true, HasCancellationComplaints: true,
		HasValueEstimation: true, TenderComplainRegulation: complainRegulation, AwardComplainDuration: awardComplain,
		CancellationComplainDur: 10, ClarificationUntilDuration: 3, MinTenderingDuration: tendering,
		EnquiryPeriodRegulation: regulation,
	}
}

var procedures = map[string]rules{
	ProcBelowThreshold: {
		config: Config{
			HasAuction: true, HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
			MinBidsNumber: 1, HasValueEstimation: true, AwardComplainDuration: 2, ClarificationUntilDuration: 1,
			MinTenderingDuration: 2, HasEnquiries: true, MinEnquiriesDuration: 3,
		},
		optional:    map[string][]any{"hasAuction": yesNo, "hasValueRestriction": yesNo, "valueCurrencyEquality": yesNo},
		method:      "open",
		workingDays: true, awardWorkingDays: true, clarifyWorking: true,
		awardDecisionDays: 5, extraTendering: 2,
		cancelReasons: reasonsBase,
		createLevel:   '1', bidLevel: '2',
	},
	ProcAboveThreshold: {
		config:            openConfig(1, 15, 3, 3, 5),
		optional:          map[string][]any{"hasAuction": yesNo, "minTenderingDuration": {7.0, 15.0}, "hasValueRestriction": yesNo, "valueCurrencyEquality": yesNo},
		method:            "open",
		awardDecisionDays: 5, extraTendering: 4, eligibility: true, alp: true,
		cancelReasons: reasonsOpen,
		createLevel:   '3', bidLevel: '4', // ProZorro's above-threshold accreditation
	},
	ProcAboveThresholdUA: {
		config:            openConfig(2, 15, 10, 4, 10),
		optional:          map[string][]any{"hasAuction": yesNo},
		method:            "open",
		clarifyWorking:    true,
		awardDecisionDays: 5, extraTendering: 7, eligibility: true, alp: true,
		cancelReasons: reasonsOpen,
		createLevel:   '3', bidLevel: '4', // ProZorro's above-threshold accreditation
	},
	ProcAboveThresholdEU: {
		config: func() Config {
			c := openConfig(2, 30, 10, 4, 10)
			c.HasPrequalification, c.HasQualificationComplaints = true, true
			c.QualificationComplainDur, c.QualificationDuration = 5, 20
			return c
		}(),
		method:            "open",
		clarifyWorking:    true,
		awardDecisionDays: 5, extraTendering: 7, eligibility: true, alp: true,
		cancelReasons: reasonsOpen,
		createLevel:   '3', bidLevel: '4', // ProZorro's above-threshold accreditation
	},
	ProcReporting: {
		config: Config{HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
			MinBidsNumber: 1, HasValueEstimation: true},
		method:            "limited",
		awardDecisionDays: 5,
		cancelReasons:     reasonsBase,
		createLevel:       '1', bidLevel: '2',
	},
	ProcNegotiation: {
		config: Config{HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
			MinBidsNumber: 1, HasAwardComplaints: true, HasCancellationComplaints: true, HasValueEstimation: true,
			AwardComplainDuration: 5, CancellationComplainDur: 10},
		method:            "limited",
		awardDecisionDays: 5,
		cancelReasons:     reasonsLimited,
		createLevel:       '1', bidLevel: '2',
	},
	ProcNegotiationQuick: {
		config: Config{HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
			MinBidsNumber: 1, HasAwardComplaints: true, HasCancellationComplaints: true, HasValueEstimation: true,
			AwardComplainDuration: 3, CancellationComplainDur: 10},
		method:            "limited",
		awardDecisionDays: 5,
		cancelReasons:     reasonsLimited,
		createLevel:       '1', bidLevel: '2',
	},
}

// ProcedureTypes lists the supported procurementMethodType values, sorted.
func ProcedureTypes() []string {
	out := make([]string, 0, len(procedures))
	for k := range procedures {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ConfigFor returns the default config of a procurementMethodType.
func ConfigFor(procurementMethodType string) (Config, bool) {
	r, ok := procedures[procurementMethodType]
	return r.config, ok
}

// mergeConfig applies a creator's config values over the defaults; every value
// that differs from the default must be one the procedure leaves optional.
func mergeConfig(r rules, in map[string]any, p *Problems) Config {
	c := r.config
	for k, v := range in {
		name := "config." + k
		def, known := configField(&c, k)
		if !known {
			p.Add(name, "Rogue field")
			continue
		}
		switch d := def.(type) {
		case *bool:
			b, ok := v.(bool)
			if !ok {
				p.Add(name, "Must be a boolean")
				continue
			}
			if b != *d && !allowed(r.optional[k], b) {
				p.Add(name, "Value must be %v for this procurementMethodType", *d)
				continue
			}
			*d = b
		case *int:
			f, ok := v.(float64)
			if !ok || f != float64(int(f)) {
				p.Add(name, "Must be an integer")
				continue
			}
			if int(f) != *d && !allowed(r.optional[k], f) {
				p.Add(name, "Value must be %d for this procurementMethodType", *d)
				continue
			}
			*d = int(f)
		}
	}
	return c
}

func allowed(values []any, v any) bool {
	for _, a := range values {
		if a == v {
			return true
		}
	}
	return false
}

func configField(c *Config, k string) (any, bool) {
	m := map[string]any{
		"hasAuction": &c.HasAuction, "hasAwardingOrder": &c.HasAwardingOrder, "hasValueRestriction": &c.HasValueRestriction,
		"valueCurrencyEquality": &c.ValueCurrencyEquality, "hasPrequalification": &c.HasPrequalification,
		"minBidsNumber": &c.MinBidsNumber, "hasPreSelectionAgreement": &c.HasPreSelectionAgreement,
		"hasTenderComplaints": &c.HasTenderComplaints, "hasAwardComplaints": &c.HasAwardComplaints,
		"hasCancellationComplaints": &c.HasCancellationComplaints, "hasValueEstimation": &c.HasValueEstimation,
		"hasQualificationComplaints": &c.HasQualificationComplaints, "tenderComplainRegulation": &c.TenderComplainRegulation,
		"qualificationComplainDuration": &c.QualificationComplainDur, "awardComplainDuration": &c.AwardComplainDuration,
		"cancellationComplainDuration": &c.CancellationComplainDur, "clarificationUntilDuration": &c.ClarificationUntilDuration,
		"qualificationDuration": &c.QualificationDuration, "minTenderingDuration": &c.MinTenderingDuration,
		"hasEnquiries": &c.HasEnquiries, "minEnquiriesDuration": &c.MinEnquiriesDuration,
		"enquiryPeriodRegulation": &c.EnquiryPeriodRegulation, "restricted": &c.Restricted, "hasMultiSourcing": &c.HasMultiSourcing,
	}
	v, ok := m[k]
	return v, ok
}

var acceleratorRE = regexp.MustCompile(`(?:^|[\s,])accelerator=(\d+)(?:$|[\s,])`)

// parseAccelerator reads "quick, accelerator=N" from procurementMethodDetails;
// 1 means real time.
func parseAccelerator(details string) (int, error) {
	if details == "" {
		return 1, nil
	}
	m := acceleratorRE.FindStringSubmatch(details)
	if m == nil {
		if strings.Contains(details, "accelerator") {
			return 0, fmt.Errorf("expected \"quick, accelerator=N\"")
		}
		return 1, nil
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > 14400*60 {
		return 0, fmt.Errorf("accelerator must be an integer from 1 to %d", 14400*60)
	}
	return n, nil
}

// accelerator is the sandbox speed-up of t, 1 outside the sandbox.
func (t *Tender) accelerator() int {
	n, err := parseAccelerator(t.ProcurementMethodDetails)
	if err != nil {
		return 1
	}
	return n
}

// noAuction reports the sandbox mode where auction results equal sealed bids.
func (t *Tender) noAuction() bool {
	return strings.Contains(t.SubmissionMethodDetails, "quick(mode:no-auction)")
}

func (t *Tender) rules() rules { return procedures[t.ProcurementMethodType] }
