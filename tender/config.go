package tender

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ProcBelowThreshold is the simplified procurement (спрощена закупівля).
const ProcBelowThreshold = "belowThreshold"

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
	config                Config
	optional              map[string]bool // config keys a creator may change
	workingDays           bool            // durations in working days
	awardDecisionDays     int             // award.period length
	createLevel, bidLevel byte            // accreditation levels
}

var procedures = map[string]rules{
	ProcBelowThreshold: {
		config: Config{
			HasAuction: true, HasAwardingOrder: true, HasValueRestriction: true, ValueCurrencyEquality: true,
			MinBidsNumber: 1, HasValueEstimation: true, AwardComplainDuration: 2, ClarificationUntilDuration: 1,
			QualificationDuration: 0, MinTenderingDuration: 2, HasEnquiries: true, MinEnquiriesDuration: 3,
			EnquiryPeriodRegulation: 0,
		},
		optional:          map[string]bool{"hasAuction": true, "hasValueRestriction": true, "valueCurrencyEquality": true},
		workingDays:       true,
		awardDecisionDays: 5,
		createLevel:       '1', bidLevel: '2',
	},
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
			if b != *d && !r.optional[k] {
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
			if int(f) != *d && !r.optional[k] {
				p.Add(name, "Value must be %d for this procurementMethodType", *d)
				continue
			}
			*d = int(f)
		}
	}
	return c
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
