package tender

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// TenderInput is what an owner may send to create (POST) or edit (PATCH) a
// tender. Nil fields are "not sent".
type TenderInput struct {
	Title                    *string       `json:"title"`
	TitleEn                  *string       `json:"title_en"`
	Description              *string       `json:"description"`
	DescriptionEn            *string       `json:"description_en"`
	ProcurementMethod        *string       `json:"procurementMethod"`
	ProcurementMethodType    *string       `json:"procurementMethodType"`
	ProcurementMethodDetails *string       `json:"procurementMethodDetails"`
	SubmissionMethod         *string       `json:"submissionMethod"`
	SubmissionMethodDetails  *string       `json:"submissionMethodDetails"`
	MainProcurementCategory  *string       `json:"mainProcurementCategory"`
	AwardCriteria            *string       `json:"awardCriteria"`
	Mode                     *string       `json:"mode"`
	Status                   *Status       `json:"status"`
	ProcuringEntity          *Organization `json:"procuringEntity"`
	Value                    *Value        `json:"value"`
	MinimalStep              *Value        `json:"minimalStep"`
	Guarantee                *Money        `json:"guarantee"`
	Lots                     []Lot         `json:"lots"`
	Items                    []Item        `json:"items"`
	Features                 []Feature     `json:"features"`
	Cause                    *string       `json:"cause"`
	CauseDescription         *string       `json:"causeDescription"`
	Documents                []Document    `json:"documents"`
	EnquiryPeriod            *Period       `json:"enquiryPeriod"`
	TenderPeriod             *Period       `json:"tenderPeriod"`
}

// CreateRequest is a whole create call: `data` and the optional `config`.
type CreateRequest struct {
	Data   TenderInput    `json:"data"`
	Config map[string]any `json:"config"`
}

var (
	cpvRE      = regexp.MustCompile(`^\d{8}-\d$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// newTender builds a draft tender from a create request. Identifiers, owner
// and tokens are the service's job.
func newTender(req CreateRequest, now time.Time, sandbox bool, newID func() string) (*Tender, error) {
	in := req.Data
	var p Problems
	pmt := ProcBelowThreshold
	if in.ProcurementMethodType != nil {
		pmt = *in.ProcurementMethodType
	}
	r, ok := procedures[pmt]
	if !ok {
		p.Add("procurementMethodType", "Value must be one of: %s", strings.Join(ProcedureTypes(), ", "))
		return nil, p.Err()
	}
	cfg := mergeConfig(r, req.Config, &p)
	t := &Tender{
		Status:                StatusDraft,
		ProcurementMethod:     r.method,
		ProcurementMethodType: pmt,
		AwardCriteria:         "lowestCost",
		DateCreated:           now,
		DateModified:          now,
		Config:                &cfg,
	}
	if !r.limited() {
		t.SubmissionMethod = "electronicAuction"
	}
	if in.Status != nil && *in.Status != StatusDraft {
		p.Add("status", "Value must be draft on create; publish with PATCH")
	}
	fixed := map[string]struct {
		v    *string
		want string
	}{
		"procurementMethod": {in.ProcurementMethod, r.method},
		"submissionMethod":  {in.SubmissionMethod, t.SubmissionMethod},
		"awardCriteria":     {in.AwardCriteria, "lowestCost"},
	}
	for name, f := range fixed {
		if f.v != nil && *f.v != f.want {
			p.Add(name, "Value must be %s", f.want)
		}
	}
	if in.Mode != nil {
		if *in.Mode != "test" && *in.Mode != "" {
			p.Add("mode", "Value must be test")
		}
		t.Mode = *in.Mode
	}
	if in.ProcurementMethodDetails != nil {
		if !sandbox {
			p.Add("procurementMethodDetails", "Acceleration is available only on a sandbox server")
		} else if _, err := parseAccelerator(*in.ProcurementMethodDetails); err != nil {
			p.Add("procurementMethodDetails", "%v", err)
		}
		t.ProcurementMethodDetails = *in.ProcurementMethodDetails
	}
	if in.SubmissionMethodDetails != nil {
		if !sandbox && *in.SubmissionMethodDetails != "" {
			p.Add("submissionMethodDetails", "Quick modes are available only on a sandbox server")
		}
		t.SubmissionMethodDetails = *in.SubmissionMethodDetails
	}
	if in.Title == nil || *in.Title == "" {
		p.Add("title", "This field is required.")
	}
	if in.ProcuringEntity == nil {
		p.Add("procuringEntity", "This field is required.")
	}
	if in.Value == nil {
		p.Add("value", "This field is required.")
	}
	if in.MainProcurementCategory == nil {
		p.Add("mainProcurementCategory", "This field is required.")
	}
	if len(in.Items) == 0 {
		p.Add("items", "Please provide at least 1 item.")
	}
	switch {
	case r.limited():
		if in.TenderPeriod != nil || in.EnquiryPeriod != nil {
			p.Add("tenderPeriod", "Rogue field: limited procedures have no bidding periods")
		}
		if in.MinimalStep != nil || len(in.Features) > 0 {
			p.Add("minimalStep", "Rogue field: limited procedures have no auction")
		}
		if pmt != ProcReporting {
			if in.Cause == nil || !negotiationCauses[*in.Cause] {
				p.Add("cause", "Value must be one of: %s", strings.Join(sortedKeys(negotiationCauses), ", "))
			}
			if in.CauseDescription == nil || *in.CauseDescription == "" {
				p.Add("causeDescription", "This field is required.")
			}
		}
	case cfg.HasEnquiries:
		if in.TenderPeriod == nil || in.TenderPeriod.EndDate == nil {
			p.Add("tenderPeriod.endDate", "This field is required.")
		}
		if in.EnquiryPeriod == nil || in.EnquiryPeriod.EndDate == nil {
			p.Add("enquiryPeriod.endDate", "This field is required.")
		}
	default:
		if in.TenderPeriod == nil || in.TenderPeriod.EndDate == nil {
			p.Add("tenderPeriod.endDate", "This field is required.")
		}
		if in.EnquiryPeriod != nil {
			p.Add("enquiryPeriod", "Rogue field: the enquiry period is computed from the tender period")
		}
	}
	if cfg.HasAuction && !r.limited() && in.MinimalStep == nil && len(in.Lots) == 0 {
		p.Add("minimalStep", "This field is required.")
	}
	t.applyInput(in, now, newID, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// applyInput copies the sent fields of in onto t and validates the result.
func (t *Tender) applyInput(in TenderInput, now time.Time, newID func() string, p *Problems) {
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setStr(&t.Title, in.Title)
	setStr(&t.TitleEn, in.TitleEn)
	setStr(&t.Description, in.Description)
	setStr(&t.DescriptionEn, in.DescriptionEn)
	if in.MainProcurementCategory != nil {
		switch *in.MainProcurementCategory {
		case "goods", "services", "works":
			t.MainProcurementCategory = *in.MainProcurementCategory
		default:
			p.Add("mainProcurementCategory", "Value must be one of: goods, services, works")
		}
	}
	if in.ProcuringEntity != nil {
		validateOrganization("procuringEntity", *in.ProcuringEntity, true, p)
		pe := *in.ProcuringEntity
		if pe.Kind == "" {
			pe.Kind = "general"
		}
		switch pe.Kind {
		case "authority", "central", "defense", "general", "other", "social", "special":
		default:
			p.Add("procuringEntity.kind", "Value must be one of: authority, central, defense, general, other, social, special")
		}
		t.ProcuringEntity = pe
	}
	if in.Value != nil {
		v := *in.Value
		validateValue("value", &v, p)
		t.Value = v
	}
	if in.MinimalStep != nil {
		v := *in.MinimalStep
		validateValue("minimalStep", &v, p)
		t.MinimalStep = &v
	}
	if in.Guarantee != nil {
		g := *in.Guarantee
		if g.Amount.d.IsNegative() {
			p.Add("guarantee.amount", "Float value should be greater than 0.")
		}
		if !currencyRE.MatchString(g.Currency) {
			p.Add("guarantee.currency", "Currency must be an ISO 4217 code")
		}
		t.Guarantee = &g
	}
	if in.Items != nil {
		items := make([]Item, len(in.Items))
		seen := map[string]bool{}
		for i, it := range in.Items {
			name := fmt.Sprintf("items[%d]", i)
			if it.ID == "" {
				it.ID = newID()
			} else if seen[it.ID] {
				p.Add(name+".id", "Item id should be uniq for all items")
			}
			seen[it.ID] = true
			validateItem(name, it, p)
			items[i] = it
		}
		t.Items = items
	}
	if in.EnquiryPeriod != nil {
		ep := *in.EnquiryPeriod
		if ep.StartDate == nil && t.EnquiryPeriod != nil {
			ep.StartDate = t.EnquiryPeriod.StartDate // an edit of the end keeps the start
		}
		if ep.ShouldStartAfter != nil {
			p.Add("enquiryPeriod.shouldStartAfter", "Rogue field")
		}
		t.EnquiryPeriod = &ep
	}
	if in.TenderPeriod != nil {
		tp := *in.TenderPeriod
		if tp.StartDate == nil && t.TenderPeriod != nil && t.Status != StatusDraft {
			tp.StartDate = t.TenderPeriod.StartDate
		}
		if tp.ShouldStartAfter != nil {
			p.Add("tenderPeriod.shouldStartAfter", "Rogue field")
		}
		t.TenderPeriod = &tp
	}
	if in.Cause != nil {
		t.Cause = *in.Cause
	}
	setStr(&t.CauseDescription, in.CauseDescription)
	if in.Lots != nil {
		if t.Status != StatusDraft && len(in.Lots) != len(t.Lots) {
			p.Add("lots", "Can't add or remove lots after publication")
		}
		lots := make([]Lot, len(in.Lots))
		for i, l := range in.Lots {
			if l.ID == "" {
				l.ID = newID()
			}
			if i < len(t.Lots) && t.Status != StatusDraft {
				old := t.Lots[i]
				if l.ID != old.ID {
					p.Add(fmt.Sprintf("lots[%d].id", i), "Can't change lot id after publication")
				}
				l.Status, l.Date, l.AuctionPeriod, l.AuctionURL = old.Status, old.Date, old.AuctionPeriod, old.AuctionURL
			} else {
				l.Status, l.Date, l.AuctionPeriod, l.AuctionURL = LotActive, nil, nil, ""
			}
			lots[i] = l
		}
		t.Lots = lots
	}
	if in.Features != nil {
		t.Features = in.Features
	}
	if in.Documents != nil {
		for i, d := range in.Documents {
			doc, err := newDocument(d, now, newID)
			if err != nil {
				prefixProblems(p, fmt.Sprintf("documents[%d].", i), err)
				continue
			}
			t.Documents = append(t.Documents, doc)
		}
	}
	t.validateMoney(p)
	t.validateLots(p)
	t.validateFeatures(p)
}

// negotiationCauses are the legal grounds for a negotiated procedure.
var negotiationCauses = map[string]bool{
	"artContestIP": true, "noCompetition": true, "twiceUnsuccessful": true, "additionalPurchase": true,
	"additionalConstruction": true, "stateLegalServices": true, "resolvingInsolvency": true,
	"quick": true, "lastHope": true, "humanitarianAid": true, "contractCancelled": true, "emergency": true,
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func prefixProblems(p *Problems, prefix string, err error) {
	if e, ok := err.(*Error); ok {
		for _, f := range e.Errors {
			f.Name = prefix + f.Name
			p.list = append(p.list, f)
		}
	}
}

// validateMoney checks the tender-level minimal step against the value.
func (t *Tender) validateMoney(p *Problems) {
	if t.MinimalStep == nil || len(t.Lots) > 0 {
		return
	}
	validateStep("minimalStep", t.MinimalStep, t.Value, p)
}

func validateValue(name string, v *Value, p *Problems) {
	if !v.Amount.IsPositive() {
		p.Add(name+".amount", "Float value should be greater than 0.")
	} else if v.Amount.Places() > 2 {
		p.Add(name+".amount", "Amount must have at most 2 decimal places")
	}
	if v.Currency == "" {
		v.Currency = "UAH"
	}
	if !currencyRE.MatchString(v.Currency) {
		p.Add(name+".currency", "Currency must be an ISO 4217 code")
	}
	if v.ValueAddedTaxIncluded == nil {
		yes := true
		v.ValueAddedTaxIncluded = &yes
	}
}

func validateOrganization(name string, o Organization, needContact bool, p *Problems) {
	if o.Name == "" {
		p.Add(name+".name", "This field is required.")
	}
	if o.Identifier.Scheme == "" {
		p.Add(name+".identifier.scheme", "This field is required.")
	}
	if o.Identifier.ID == "" {
		p.Add(name+".identifier.id", "This field is required.")
	}
	if o.Address == nil || o.Address.CountryName == "" {
		p.Add(name+".address.countryName", "This field is required.")
	}
	if needContact {
		if o.ContactPoint == nil || o.ContactPoint.Name == "" {
			p.Add(name+".contactPoint.name", "This field is required.")
		} else if o.ContactPoint.Email == "" && o.ContactPoint.Telephone == "" {
			p.Add(name+".contactPoint", "telephone or email should be present")
		}
	}
	switch o.Scale {
	case "", "micro", "sme", "mid", "large", "not specified":
	default:
		p.Add(name+".scale", "Value must be one of: micro, sme, mid, large, not specified")
	}
}

func validateItem(name string, it Item, p *Problems) {
	if it.Description == "" {
		p.Add(name+".description", "This field is required.")
	}
	c := it.Classification
	switch {
	case c.Scheme != "ДК021" && c.Scheme != "CPV":
		p.Add(name+".classification.scheme", "Value must be one of: ДК021, CPV")
	case !cpvRE.MatchString(c.ID):
		p.Add(name+".classification.id", "Value must be a CPV code such as 44617100-9")
	}
	if c.Description == "" {
		p.Add(name+".classification.description", "This field is required.")
	}
	if it.Quantity != nil && it.Quantity.d.IsNegative() {
		p.Add(name+".quantity", "Float value should be greater than 0.")
	}
	if it.Unit != nil && it.Unit.Code == "" {
		p.Add(name+".unit.code", "This field is required.")
	}
}

// validatePeriods checks the enquiry and tender periods against the
// procedure's minimum durations, now and the calendar, and derives the
// periods the procedure computes itself.
func (t *Tender) validatePeriods(now time.Time, cal *Calendar, p *Problems) {
	r := t.rules()
	switch {
	case r.limited():
		return
	case t.Config.HasEnquiries:
		t.validateEnquiryPeriods(now, cal, p)
	default:
		t.validateOpenPeriods(now, cal, p)
	}
}

// validateEnquiryPeriods handles procedures with a separate enquiry period
// before tendering (belowThreshold).
func (t *Tender) validateEnquiryPeriods(now time.Time, cal *Calendar, p *Problems) {
	ep, tp := t.EnquiryPeriod, t.TenderPeriod
	if ep == nil || tp == nil || ep.EndDate == nil || tp.EndDate == nil {
		return
	}
	r, c, acc := t.rules(), t.Config, t.accelerator()
	for _, at := range []*time.Time{ep.StartDate, ep.EndDate, tp.StartDate, tp.EndDate} {
		if at != nil {
			*at = at.In(Kyiv)
		}
	}
	if ep.StartDate == nil {
		ep.StartDate = ptr(now)
	}
	if tp.StartDate == nil {
		tp.StartDate = ptr(*ep.EndDate)
	}
	if minEnd := cal.AddDuration(*ep.StartDate, c.MinEnquiriesDuration, r.workingDays, acc); ep.EndDate.Before(minEnd) {
		p.Add("enquiryPeriod.endDate", "the enquiry period cannot end earlier than %d full %s after the start", c.MinEnquiriesDuration, dayWord(r.workingDays))
	}
	if tp.StartDate.Before(*ep.EndDate) {
		p.Add("tenderPeriod.startDate", "period should begin after enquiryPeriod")
	}
	if minEnd := cal.AddDuration(*tp.StartDate, c.MinTenderingDuration, r.workingDays, acc); tp.EndDate.Before(minEnd) {
		p.Add("tenderPeriod.endDate", "tenderPeriod must be at least %d full %s long", c.MinTenderingDuration, dayWord(r.workingDays))
	}
	if ep.EndDate.Before(now) {
		p.Add("enquiryPeriod.endDate", "must be in the future")
	}
	ep.ClarificationsUntil = ptr(cal.AddDuration(*ep.EndDate, c.ClarificationUntilDuration, r.clarifyWorking, acc))
}

// validateOpenPeriods handles the open procedures: enquiries run inside the
// tender period until enquiryPeriodRegulation days before its end, and
// complaints until tenderComplainRegulation days before it.
func (t *Tender) validateOpenPeriods(now time.Time, cal *Calendar, p *Problems) {
	tp := t.TenderPeriod
	if tp == nil || tp.EndDate == nil {
		return
	}
	r, c, acc := t.rules(), t.Config, t.accelerator()
	tp.EndDate = ptr(tp.EndDate.In(Kyiv))
	if tp.StartDate == nil || t.Status == StatusDraft && tp.StartDate.Before(now) {
		tp.StartDate = ptr(now)
	}
	tp.StartDate = ptr(tp.StartDate.In(Kyiv))
	if minEnd := cal.AddDuration(*tp.StartDate, c.MinTenderingDuration, r.workingDays, acc); tp.EndDate.Before(minEnd) {
		p.Add("tenderPeriod.endDate", "tenderPeriod must be at least %d full %s long", c.MinTenderingDuration, dayWord(r.workingDays))
	}
	epEnd := before(cal, *tp.EndDate, c.EnquiryPeriodRegulation, r.workingDays, acc)
	ep := &Period{StartDate: ptr(*tp.StartDate), EndDate: ptr(epEnd)}
	if t.EnquiryPeriod != nil {
		ep.InvalidationDate = t.EnquiryPeriod.InvalidationDate
	}
	ep.ClarificationsUntil = ptr(cal.AddDuration(epEnd, c.ClarificationUntilDuration, r.clarifyWorking, acc))
	t.EnquiryPeriod = ep
	if c.HasTenderComplaints {
		t.ComplaintPeriod = &Period{StartDate: ptr(*tp.StartDate),
			EndDate: ptr(before(cal, *tp.EndDate, c.TenderComplainRegulation, r.workingDays, acc))}
	}
}

// validateExtension applies the rule for owner edits during tendering: at
// least extraTendering days must remain after the edit.
func (t *Tender) validateExtension(now time.Time, cal *Calendar, p *Problems) {
	r := t.rules()
	if minEnd := cal.AddDuration(now, r.extraTendering, r.workingDays, t.accelerator()); t.TenderPeriod.EndDate.Before(minEnd) {
		p.Add("tenderPeriod", "tenderPeriod should be extended by %d %s", r.extraTendering, dayWord(r.workingDays))
	}
}

func dayWord(working bool) string {
	if working {
		return "business days"
	}
	return "calendar days"
}

func ptr[T any](v T) *T { return &v }

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}
