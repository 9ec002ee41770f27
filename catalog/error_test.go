package catalog_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/katalog/katalog/catalog"
)

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := catalog.Errorf(catalog.ENOTFOUND, "no variable %q", "MFR:SVLEN")
	tests := []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
	}{
		{"nil", nil, "", ""},
		{"catalog error", notFound, catalog.ENOTFOUND, `no variable "MFR:SVLEN"`},
		{"struct literal", &catalog.Error{Code: catalog.EUNAUTHORIZED, Message: "token expired"}, catalog.EUNAUTHORIZED, "token expired"},
		{"wrapped once", fmt.Errorf("find: %w", notFound), catalog.ENOTFOUND, `no variable "MFR:SVLEN"`},
		{"wrapped twice", fmt.Errorf("web: %w", fmt.Errorf("store: %w", catalog.Errorf(catalog.EINVALID, "size %d", 0))), catalog.EINVALID, "size 0"},
		{"joined", errors.Join(errors.New("disk full"), catalog.Errorf(catalog.ECONFLICT, "taken")), catalog.ECONFLICT, "taken"},
		{"plain", errors.New("open /var/lib/katalog: permission denied"), catalog.EINTERNAL, "internal error"},
		{"wrapped plain", fmt.Errorf("apply: %w", errors.New("bbolt: tx closed")), catalog.EINTERNAL, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalog.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode(%v) = %q; want %q", tt.err, got, tt.wantCode)
			}
			if got := catalog.ErrorMessage(tt.err); got != tt.wantMessage {
				t.Errorf("ErrorMessage(%v) = %q; want %q", tt.err, got, tt.wantMessage)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := catalog.Errorf(catalog.EINVALID, "page must be 1 or more, not %d", -1)
	if got, want := err.Error(), "invalid: page must be 1 or more, not -1"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}
