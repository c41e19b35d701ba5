havenSearch.terms(0,{"breathe":[6,1],"breathing":[0,1,4,1,5,8,6,4],"paragraph":[2,1],"pay":[4,1],"paying":[4,4],"slow":[5,1],"slowly":[4,1]});
