module bluegreen/sample

go 1.19
