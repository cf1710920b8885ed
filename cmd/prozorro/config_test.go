package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfigOCDS(t *testing.T) {
	env := map[string]string{"PROZORRO_OCDS_PREFIX": "ocds-abc123", "PROZORRO_OCDS_PUBLISHER": "Test Publisher"}
	c, err := loadConfig(filepath.Join("..", "..", "config.yaml"), true, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	o := c.OCDS.ocds()
	if o.OCID("UA-1") != "ocds-abc123-UA-1" || o.Publisher.Name != "Test Publisher" {
		t.Errorf("ocds config %+v", o)
	}

	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("ocds:\n  prefix: ocds-BAD\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(path, true, func(string) string { return "" }); err == nil {
		t.Error("an invalid OCID prefix is accepted")
	}
}
