package programme

import "haven/generator/meta"

func suggest(word string, known []string) string { return meta.Suggest(word, known) }
