package meta

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseDuration reads a length of time written by an author and returns it
// in whole minutes. It accepts a bare number of minutes ("90"), minutes with
// a unit ("90m", "90 min", "90 minutes"), hours ("2h") and both ("1h30m",
// "1h 30m", "1 hour 30 minutes"). Seconds, fractions and zero are refused:
// sessions are planned in minutes.
func ParseDuration(s string) (int, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	// A plain number of minutes ends with a digit: "10m" would cost
	// Atoi an error to learn that it is not one.
	if c := in[len(in)-1]; c >= '0' && c <= '9' {
		if n, err := strconv.Atoi(in); err == nil {
			if n <= 0 {
				return 0, fmt.Errorf("a duration must be more than zero minutes")
			}
			return n, nil
		}
	}
	total := 0
	seenH, seenM := false, false
	rest := in
	for rest != "" {
		rest = strings.TrimLeft(rest, " ")
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		rest = strings.TrimLeft(rest[i:], " ")
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		switch unit {
		case "h", "hr", "hrs", "hour", "hours":
			if seenH || seenM {
				return 0, fmt.Errorf("%q is not a duration", s)
			}
			seenH = true
			total += 60 * n
		case "m", "min", "mins", "minute", "minutes":
			if seenM {
				return 0, fmt.Errorf("%q is not a duration", s)
			}
			seenM = true
			total += n
		default:
			return 0, fmt.Errorf("%q is not a duration", s)
		}
	}
	if total <= 0 {
		return 0, fmt.Errorf("a duration must be more than zero minutes")
	}
	return total, nil
}
