package main

func generate() {} // the site is written natively (site.go)
