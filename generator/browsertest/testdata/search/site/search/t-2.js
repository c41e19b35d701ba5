havenSearch.terms(2,{"alert":[5,8],"script":[5,8],"zebra":[3,1,6,1]});
