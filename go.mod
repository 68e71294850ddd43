module github.com/cairn-sfn/cairn

go 1.26.8
