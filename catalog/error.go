package catalog

import (
	"errors"
	"fmt"
)

// Error codes. They are also the codes of the REST API's error objects.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	ECONFLICT     = "conflict"
	ETOOLARGE     = "too_large"    // a request body over its limit
	ERATELIMIT    = "rate_limited" // a client over its share of requests
	EUNAVAILABLE  = "unavailable"  // busy for now: try again later
	EINTERNAL     = "internal"
)

// Error is an error a user can act on: a code that says what kind of failure
// it is and a message that says what and where. Any other error is internal.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the *Error in err's chain, and
// "internal error" for any other error, so that internal details never reach
// a user.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}
