package portal

import "github.com/prozorro-go/prozorro/ocds/flags"

// Red-flag indicators' names and descriptions, shared by every page:
// messages flag.<CODE> and flagDesc.<CODE>. English comes from the
// catalogue (ocds/flags); Ukrainian from flagsUK.

// flagsUK is the red-flag catalogue in Ukrainian: name and description by
// code; a code missing here shows in English.
var flagsUK = map[string][2]string{
	"R003": {"Короткий строк подання пропозицій", "Строк подання пропозицій коротший за поріг для цього способу закупівлі."},
	"R018": {"Лише одна пропозиція", "У конкурентній процедурі пропозицію подав лише один учасник."},
	"R024": {"Ціна близька до переможної", "Різниця між переможною та другою найнижчою дійсною пропозицією аномально мала."},
	"R025": {"Забагато неуспішних пропозицій", "Частка перемог серед пропозицій одного з найактивніших учасників аномально мала."},
	"R028": {"Однакові ціни пропозицій", "Різні учасники подали пропозиції з однаковою ціною."},
	"R030": {"Перемогла пізня пропозиція", "Переможна пропозиція надійшла після кінцевого строку подання."},
	"R035": {"Дискваліфіковано всіх, крім переможця", "Дискваліфіковано пропозиції всіх учасників, крім єдиного учасника переможної пропозиції."},
	"R036": {"Дискваліфіковано найнижчу пропозицію", "Найнижчу пропозицію дискваліфіковано, хоча єдиний критерій оцінки — ціна."},
	"R038": {"Забагато дискваліфікованих пропозицій", "Частка дискваліфікованих пропозицій аномально висока для покупця, замовника чи учасника."},
	"R048": {"Різнопрофільний постачальник", "Різноманітність предметів, які постачає учасник, аномально висока."},
	"R058": {"Надто велика знижка", "Різниця між переможною та другою найнижчою дійсною пропозицією аномально велика."},
	"PZ1":  {"Велика економія", "Сума активного рішення про переможця щонайменше на 30% нижча за очікувану вартість лота (або закупівлі)."},
	"PZ2":  {"Переможець усіх лотів", "Один постачальник виграв усі лоти закупівлі, що має щонайменше 5 лотів."},
	"PZ3":  {"Постачальник залежить від одного покупця", "Постачальник переміг щонайменше у 3 процедурах, і всі вони — одного покупця."},
	"PZ4":  {"Поділ закупівлі", "Покупець за рік купив той самий клас CPV через неконкурентні або спрощені процедури, кожна нижче порогу відкритих торгів, а разом — на рівні порогу або вище."},
}

func init() {
	uk, en := map[string]string{}, map[string]string{}
	for _, c := range flags.Codes() {
		t, ok := flagsUK[c.Code]
		if !ok {
			t = [2]string{c.Name, c.Description}
		}
		uk["flag."+c.Code], uk["flagDesc."+c.Code] = t[0], t[1]
		en["flag."+c.Code], en["flagDesc."+c.Code] = c.Name, c.Description
	}
	messages(uk, en)
}

// flagName names a red-flag code in lang; a code the catalogue does not
// know (another publisher's) shows as itself.
func flagName(lang, code string) string {
	if s := tr(lang, "flag."+code); s != "flag."+code {
		return s
	}
	return code
}

// flagDescription describes a red-flag code in lang, or returns fallback.
func flagDescription(lang, code, fallback string) string {
	if s := tr(lang, "flagDesc."+code); s != "flagDesc."+code {
		return s
	}
	return fallback
}
