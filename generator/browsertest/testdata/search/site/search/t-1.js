havenSearch.terms(1,{"cafe":[0,1,2,8,3,1],"calm":[5,1],"coffee":[2,1,3,4],"counter":[4,1],"culture":[2,8]});
