module novacron.local/regex-check

go 1.22
